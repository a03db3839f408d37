"""Accounts, one factory per role; every account's password is ``PASSWORD``."""

import factory

from sp2k.accounts.models import Role, User
from tests.factories.regions import DistrictFactory, ProvinceFactory, RegencyFactory

PASSWORD = "kata-sandi-uji-123"  # noqa: S105 - test accounts only


class UserFactory(factory.django.DjangoModelFactory):
    """An account without a role; ``password`` is set with ``set_password`` and the account is validated."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna-{n}")
    full_name = factory.LazyAttribute(lambda u: u.username.replace("-", " ").title())
    role = ""

    @classmethod
    def _create(cls, model_class, *args, password=PASSWORD, **kwargs):
        user = model_class(*args, **kwargs)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.full_clean()
        user.save()
        return user


class ProvinceAdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"panitia-{n}")
    role = Role.PROVINCE_ADMIN
    province = factory.SubFactory(ProvinceFactory)


class AssessorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"penilai-{n}")
    role = Role.ASSESSOR
    province = factory.SubFactory(ProvinceFactory)


class RegencyAdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"pemkab-{n}")
    role = Role.REGENCY_ADMIN
    regency = factory.SubFactory(RegencyFactory)


class CamatFactory(UserFactory):
    username = factory.Sequence(lambda n: f"camat-{n}")
    role = Role.CAMAT
    district = factory.SubFactory(DistrictFactory)


class OperatorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"operator-{n}")
    role = Role.DISTRICT_OPERATOR
    district = factory.SubFactory(DistrictFactory)


ROLE_FACTORIES = {
    Role.PROVINCE_ADMIN: ProvinceAdminFactory,
    Role.ASSESSOR: AssessorFactory,
    Role.REGENCY_ADMIN: RegencyAdminFactory,
    Role.CAMAT: CamatFactory,
    Role.DISTRICT_OPERATOR: OperatorFactory,
}
