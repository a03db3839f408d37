"""An edition's configuration (stages, aspects, indicators, weights, rubrics) as plain data.

The same dictionary shape is used to copy an edition from last year, to export it to JSON/YAML
and to import it back, and by the demo data. Weights and scores travel as strings so that
decimals survive the round trip exactly.
"""

from decimal import Decimal

from django.db import transaction

from assessments.domain.criteria import require_edition_criteria_editable, require_settings_editable
from assessments.models import Aspect, Edition, Indicator, RubricLevel, Stage

EDITION_FIELDS = (
    "aggregation",
    "final_score",
    "tie_break_aspect",
    "nomination_quota",
    "evidence_max_mb",
    "reminder_days",
)


def _decimal(value):
    return str(Decimal(value).normalize()) if value is not None else None


def export_configuration(edition):
    """The edition's settings and criteria as a JSON/YAML-ready dictionary (a fixed number of queries)."""
    stages = edition.stages.prefetch_related("aspects__indicators__levels").order_by("order")
    return {
        "format": "sp2k-edition/1",
        "name": edition.name,
        "year": edition.year,
        **{field: getattr(edition, field) for field in EDITION_FIELDS},
        "stages": [
            {
                "order": stage.order,
                "kind": stage.kind,
                "name": stage.name,
                "starts_on": stage.starts_on.isoformat() if stage.starts_on else None,
                "ends_on": stage.ends_on.isoformat() if stage.ends_on else None,
                "weight": _decimal(stage.weight),
                "advance_count": stage.advance_count,
                "aspects": [
                    {
                        "name": aspect.name,
                        "weight": _decimal(aspect.weight),
                        "indicators": [
                            {
                                "name": indicator.name,
                                "description": indicator.description,
                                "weight": _decimal(indicator.weight),
                                "scale": indicator.scale,
                                "scale_min": _decimal(indicator.scale_min),
                                "scale_max": _decimal(indicator.scale_max),
                                "requires_evidence": indicator.requires_evidence,
                                "levels": [
                                    {"value": level.value, "label": level.label, "description": level.description}
                                    for level in indicator.levels.all()
                                ],
                            }
                            for indicator in aspect.indicators.all()
                        ],
                    }
                    for aspect in stage.aspects.all()
                ],
            }
            for stage in stages
        ],
    }


@transaction.atomic
def apply_configuration(edition, data):
    """Replace the edition's criteria with those in ``data`` (all or nothing).

    The caller validates ``data`` first; this writes it. Refused (ValidationError, nothing changed)
    once the edition has a score or its results are final (the criteria lock) and once published.
    """
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    require_settings_editable(locked)
    require_edition_criteria_editable(locked)
    edition.state = locked.state
    for field in EDITION_FIELDS:
        if field in data:
            setattr(edition, field, data[field])
    edition.full_clean()
    edition.save()
    edition.stages.all().delete()
    for stage_data in data.get("stages", []):
        stage = Stage(
            edition=edition,
            order=stage_data["order"],
            kind=stage_data["kind"],
            name=stage_data["name"],
            starts_on=stage_data.get("starts_on"),
            ends_on=stage_data.get("ends_on"),
            weight=Decimal(str(stage_data.get("weight") or 0)),
            advance_count=stage_data.get("advance_count"),
        )
        stage.full_clean(exclude=["edition"])
        stage.save()
        for aspect_order, aspect_data in enumerate(stage_data.get("aspects", []), start=1):
            aspect = Aspect.objects.create(
                stage=stage, order=aspect_order, name=aspect_data["name"], weight=Decimal(str(aspect_data["weight"]))
            )
            for indicator_order, indicator_data in enumerate(aspect_data.get("indicators", []), start=1):
                indicator = Indicator(
                    aspect=aspect,
                    order=indicator_order,
                    name=indicator_data["name"],
                    description=indicator_data.get("description", ""),
                    weight=Decimal(str(indicator_data["weight"])),
                    scale=indicator_data.get("scale", Indicator.Scale.NUMERIC),
                    scale_min=Decimal(str(indicator_data.get("scale_min", 0))),
                    scale_max=Decimal(str(indicator_data.get("scale_max", 100))),
                    requires_evidence=bool(indicator_data.get("requires_evidence", False)),
                )
                indicator.full_clean(exclude=["aspect"])
                indicator.save()
                RubricLevel.objects.bulk_create(
                    RubricLevel(
                        indicator=indicator,
                        value=level["value"],
                        label=level["label"],
                        description=level.get("description", ""),
                    )
                    for level in indicator_data.get("levels", [])
                )
    return edition


def create_edition(province, name, year, data, copied_from=None):
    """A new draft edition built from a configuration dictionary."""
    with transaction.atomic():
        edition = Edition.objects.create(province=province, name=name, year=year, copied_from=copied_from)
        return apply_configuration(edition, data)
