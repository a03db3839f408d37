"""An edition's configuration (stages, aspects, indicators, weights, rubrics) as plain data.

The same dictionary shape is used to copy an edition from last year, to export it to JSON/YAML
and to import it back, and by the demo data. Weights and scores travel as strings so that
decimals survive the round trip exactly.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from assessments.domain.criteria import (
    plain_number,
    require_edition_criteria_editable,
    require_settings_editable,
    require_stage_criteria_editable,
)
from assessments.models import Aspect, Edition, Indicator, RubricLevel, Stage

EDITION_FIELDS = (
    "aggregation",
    "final_score",
    "tie_break_aspect",
    "tie_break_previous_stage",
    "nomination_quota",
    "evidence_max_mb",
    "reminder_days",
)


def _decimal(value):
    """Weights and scale bounds as people write them: "40", "33.33" (never "4E+1")."""
    return plain_number(value) if value is not None else None


def _aspects_data(stage):
    """A stage's aspects with their indicators and levels (prefetched by the caller, or read here)."""
    return [
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
    ]


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
                "aspects": _aspects_data(stage),
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
        _create_aspects(stage, stage_data.get("aspects", []))
    return edition


def _create_aspects(stage, aspects):
    """Write a stage's aspects, indicators and levels from their plain data (the stage has none yet)."""
    for aspect_order, aspect_data in enumerate(aspects, start=1):
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


def create_edition(province, name, year, data, copied_from=None):
    """A new draft edition built from a configuration dictionary."""
    with transaction.atomic():
        edition = Edition.objects.create(province=province, name=name, year=year, copied_from=copied_from)
        return apply_configuration(edition, data)


def stages_to_copy_from(target):
    """The stages whose criteria may be copied into ``target``: every other stage of the province's editions."""
    return (
        Stage.objects.filter(edition__province_id=target.edition.province_id)
        .exclude(pk=target.pk)
        .select_related("edition")
        .order_by("-edition__year", "edition__name", "order")
    )


def copy_stage_criteria(source, target):
    """Replace ``target``'s aspects, indicators and rubric levels with a copy of ``source``'s.

    Only between stages of one province, and only into a stage whose criteria may still change (no
    score yet, results not final, not published); the stage's own settings (name, dates, weight) stay.
    Evidence already uploaded for one of the target's indicators keeps it: refused, nothing changed.
    """
    with transaction.atomic():
        target = Stage.objects.select_for_update().select_related("edition").get(pk=target.pk)
        Edition.objects.select_for_update().get(pk=target.edition_id)
        source = (
            Stage.objects.select_related("edition").prefetch_related("aspects__indicators__levels").get(pk=source.pk)
        )
        if source.pk == target.pk or source.edition.province_id != target.edition.province_id:
            raise ValidationError(_("Criteria can only be copied from another stage of the same province."))
        require_settings_editable(target.edition)
        require_stage_criteria_editable(target)
        data = _aspects_data(source)
        try:
            target.aspects.all().delete()
        except ProtectedError as error:
            raise ValidationError(
                _("Evidence has been uploaded for the criteria of this stage: they cannot be replaced.")
            ) from error
        _create_aspects(target, data)
    return target
