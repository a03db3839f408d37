"""Regions come from the real data (``districts.domain.regions.load_regions``): these factories look a
province, regency or kecamatan up by its code and never invent one."""

import factory

from districts.models import District, Province, Regency


class _LookUp(factory.django.DjangoModelFactory):
    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.get(code=kwargs["code"])


class ProvinceFactory(_LookUp):
    """Jawa Timur unless another ``code`` is given."""

    class Meta:
        model = Province

    code = "35"


class RegencyFactory(_LookUp):
    """Kabupaten Banyuwangi unless another ``code`` is given."""

    class Meta:
        model = Regency

    code = "35.10"


class DistrictFactory(_LookUp):
    """Rogojampi (Banyuwangi) unless another ``code`` is given."""

    class Meta:
        model = District

    code = "35.10.13"
