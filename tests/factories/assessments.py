"""Factories of the competition's models (``assessments.models``).

``EditionFactory`` makes a bare edition (no stage); ``ConfiguredEditionFactory`` makes one through the
domain's ``create_edition`` with the suite's example criteria (three stages, see ``criteria``).
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from assessments.models import (
    Aspect,
    Assignment,
    Award,
    AwardCategory,
    Conflict,
    Decree,
    Edition,
    EditionAssessor,
    Indicator,
    Participant,
    RubricLevel,
    Score,
    ScoreSheet,
    Stage,
    StageEntry,
)
from tests.factories.accounts import AssessorFactory, ProvinceAdminFactory
from tests.factories.criteria import example_configuration
from tests.factories.regions import DistrictFactory, ProvinceFactory


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    province = factory.SubFactory(ProvinceFactory)
    year = 2022
    name = factory.Sequence(lambda n: f"SP2K Uji {n}")


class ConfiguredEditionFactory(EditionFactory):
    """A draft edition with the example criteria: desk, presentation, field visit."""

    name = "SP2K Jawa Timur 2022"
    configuration = factory.LazyFunction(example_configuration)

    @classmethod
    def _create(cls, model_class, *args, province, name, year, configuration, **kwargs):
        from assessments.domain.configuration import create_edition

        edition = create_edition(province, name, year, configuration)
        if kwargs:
            for field, value in kwargs.items():
                setattr(edition, field, value)
            edition.save(update_fields=list(kwargs))
        return edition


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    edition = factory.SubFactory(EditionFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = Stage.Kind.DESK
    name = factory.LazyAttribute(lambda s: f"Tahap {s.order}")
    starts_on = datetime.date(2022, 10, 3)
    ends_on = datetime.date(2022, 10, 21)
    weight = Decimal("100")
    advance_count = None


class AspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aspect

    stage = factory.SubFactory(StageFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Aspek {n}")
    weight = Decimal("100")


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A numeric 0–100 indicator; ``RubricIndicatorFactory`` makes a 1–5 rubric with its five levels."""

    class Meta:
        model = Indicator

    aspect = factory.SubFactory(AspectFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    weight = Decimal("100")
    scale = Indicator.Scale.NUMERIC
    scale_min = Decimal("0")
    scale_max = Decimal("100")


class RubricLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RubricLevel

    indicator = factory.SubFactory(IndicatorFactory, scale=Indicator.Scale.RUBRIC, scale_min=1, scale_max=5)
    value = factory.Sequence(lambda n: n % 5 + 1)
    label = factory.LazyAttribute(lambda level: f"Tingkat {level.value}")
    description = ""


class RubricIndicatorFactory(IndicatorFactory):
    scale = Indicator.Scale.RUBRIC
    scale_min = Decimal("1")
    scale_max = Decimal("5")
    levels = factory.RelatedFactoryList(
        RubricLevelFactory, "indicator", size=5, value=factory.Iterator([1, 2, 3, 4, 5])
    )


class ParticipantFactory(factory.django.DjangoModelFactory):
    """An accepted participant (Rogojampi unless ``district`` is given)."""

    class Meta:
        model = Participant

    edition = factory.SubFactory(EditionFactory)
    district = factory.SubFactory(DistrictFactory)
    status = Participant.Status.ACCEPTED


class StageEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageEntry

    stage = factory.SubFactory(StageFactory)
    participant = factory.SubFactory(ParticipantFactory, edition=factory.SelfAttribute("..stage.edition"))


class EditionAssessorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditionAssessor

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(AssessorFactory, province=factory.SelfAttribute("..edition.province"))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    stage = factory.SubFactory(StageFactory)
    assessor = factory.SubFactory(AssessorFactory, province=factory.SelfAttribute("..stage.edition.province"))
    participant = factory.SubFactory(ParticipantFactory, edition=factory.SelfAttribute("..stage.edition"))


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    participant = factory.SubFactory(ParticipantFactory)
    edition = factory.SelfAttribute("participant.edition")
    assessor = factory.SubFactory(AssessorFactory, province=factory.SelfAttribute("..edition.province"))
    reason = "Berasal dari kabupaten yang sama."


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    """A draft sheet; ``submitted=True`` makes it submitted now."""

    class Meta:
        model = ScoreSheet

    class Params:
        submitted = factory.Trait(status=ScoreSheet.Status.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now))

    stage = factory.SubFactory(StageFactory)
    assessor = factory.SubFactory(AssessorFactory, province=factory.SelfAttribute("..stage.edition.province"))
    participant = factory.SubFactory(ParticipantFactory, edition=factory.SelfAttribute("..stage.edition"))
    status = ScoreSheet.Status.DRAFT


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    sheet = factory.SubFactory(ScoreSheetFactory)
    indicator = factory.SubFactory(IndicatorFactory, aspect__stage=factory.SelfAttribute("...sheet.stage"))
    value = Decimal("80")


class AwardCategoryFactory(factory.django.DjangoModelFactory):
    """Juara I, II, … by ``order``; ``rank`` follows ``order`` unless given (None: a special award)."""

    class Meta:
        model = AwardCategory

    edition = factory.SubFactory(EditionFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda c: f"Juara {c.order}")
    rank = factory.SelfAttribute("order")


class AwardFactory(factory.django.DjangoModelFactory):
    """A confirmed award."""

    class Meta:
        model = Award

    category = factory.SubFactory(AwardCategoryFactory)
    participant = factory.SubFactory(ParticipantFactory, edition=factory.SelfAttribute("..category.edition"))
    final_score = None
    confirmed_by = factory.SubFactory(
        ProvinceAdminFactory, province=factory.SelfAttribute("..category.edition.province")
    )
    confirmed_at = factory.LazyFunction(timezone.now)


class DecreeFactory(factory.django.DjangoModelFactory):
    """The governor's decree of an edition: the public values of Jawa Timur's 2022 decree, on F4 paper."""

    class Meta:
        model = Decree
        django_get_or_create = ("edition",)

    edition = factory.SubFactory(EditionFactory)
    number = "188/966/KPTS/013/2022"
    title = "Penetapan Juara Sinergitas Penyelenggaraan Pemerintahan di Kecamatan Provinsi Jawa Timur Tahun 2022"
    place = "Surabaya"
    date = datetime.date(2022, 12, 21)
    signatory_office = "GUBERNUR JAWA TIMUR"
    signatory_name = "KHOFIFAH INDAR PARAWANSA"
    considerations = factory.LazyFunction(
        lambda: [
            "bahwa dalam rangka meningkatkan sinergitas penyelenggaraan pemerintahan di kecamatan perlu "
            "diberikan penghargaan kepada kecamatan yang berprestasi;",
            "bahwa berdasarkan hasil penilaian Tim Penilai telah ditetapkan kecamatan yang memperoleh nilai tertinggi;",
        ]
    )
    legal_bases = factory.LazyFunction(
        lambda: [
            "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;",
            "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan;",
        ]
    )
    amounts = factory.LazyFunction(
        lambda: {
            "Juara I": 50_000_000,
            "Juara II": 40_000_000,
            "Juara III": 30_000_000,
            "Juara Harapan I": 20_000_000,
            "Juara Harapan II": 15_000_000,
        }
    )
    page_size = Decree.PageSize.F4
