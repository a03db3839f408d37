from decimal import Decimal

from assessments.domain.configuration import create_edition, export_configuration
from assessments.models import Indicator


def test_example_edition_weights_add_up_to_100_at_every_level(edition):
    for stage in edition.stages.all():
        aspects = list(stage.aspects.all())
        assert sum(a.weight for a in aspects) == Decimal(100), stage
        for aspect in aspects:
            assert sum(i.weight for i in aspect.indicators.all()) == Decimal(100), aspect


def test_export_then_create_gives_the_same_configuration(edition, jatim):
    data = export_configuration(edition)
    copy = create_edition(jatim, "SP2K Jawa Timur 2023", 2023, data, copied_from=edition)
    exported = export_configuration(copy)
    assert {**exported, "name": None, "year": None} == {**data, "name": None, "year": None}
    assert Indicator.objects.filter(aspect__stage__edition=copy, scale="rubric").first().levels.count() == 5
