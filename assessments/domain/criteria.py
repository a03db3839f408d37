"""Writes of an edition's criteria and settings, and the locks that guard them.

Every path that changes them (the panel's forms, the configuration import, the Django admin, a
management command) goes through these functions, so the locks hold whatever the path:

- criteria (stages' weights and order, aspects, indicators, rubric levels) are locked from a stage's
  first score and once the results are final (``Stage.criteria_editable``); the settings that decide
  how scores are combined (aggregation, final score, tie-break aspect) from the edition's first score
  (``Edition.criteria_editable``): the ranking is computed by the rules it was scored under;
- everything else of the edition's set-up is frozen at publication (``Edition.settings_frozen``): the
  published results and the decree state what was in force then.

Each write locks the edition's or stage's row and reads the stored values under the lock, so that
what is checked is what is changed.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from assessments.models import Aspect, Edition, Indicator, RubricLevel, Stage

# The edition settings that decide how the assessors' scores become the ranking.
FORMULA_FIELDS = ("aggregation", "final_score", "tie_break_aspect", "tie_break_previous_stage")
# A stage's fields that are part of its criteria (the weight enters the final score).
STAGE_CRITERIA_FIELDS = ("weight", "order", "edition_id")


# --- the locks ---


def settings_frozen_message():
    return _("The results are published: the edition's settings and its decree can no longer change.")


def require_settings_editable(edition):
    if edition.settings_frozen:
        raise ValidationError(settings_frozen_message(), code="settings_frozen")


def require_edition_criteria_editable(edition):
    """ValidationError unless the edition's criteria and formula settings may still change."""
    if edition.results_final:
        raise ValidationError(_("The results are final: the criteria can no longer change."), code="criteria_locked")
    if not edition.criteria_editable:
        raise ValidationError(
            _(
                "This edition already has scores: its criteria and the way its scores are combined "
                "can no longer change."
            ),
            code="criteria_locked",
        )


def require_stage_criteria_editable(stage):
    """ValidationError unless the stage's criteria may still change (no score yet, results not final)."""
    if stage.edition.results_final:
        raise ValidationError(_("The results are final: the criteria can no longer change."), code="criteria_locked")
    if not stage.criteria_editable:
        raise ValidationError(
            _("Stage “%(stage)s” already has scores: its criteria can no longer change.") % {"stage": stage},
            code="criteria_locked",
        )


def _locked_edition(pk):
    return Edition.objects.select_for_update().get(pk=pk)


def _locked_stage(pk):
    stage = Stage.objects.select_for_update().get(pk=pk)
    stage.edition = _locked_edition(stage.edition_id)
    return stage


def plain_number(value):
    """A number as people write it: 40, 33.33, 0.5 (never 4E+1 nor 40.00)."""
    return f"{Decimal(value).normalize():f}"


# --- the tie-break rule ---


def tie_break_aspect_names(edition):
    """The names of the edition's aspects (over all its stages), in stage and aspect order, each once."""
    names = (
        Aspect.objects.filter(stage__edition=edition).order_by("stage__order", "order").values_list("name", flat=True)
    )
    return list(dict.fromkeys(names))


def tie_break_problem(edition, names=None):
    """A message when the edition's tie-break aspect names no aspect of the edition (a typo, or an aspect
    removed or renamed since), else None."""
    name = edition.tie_break_aspect
    if not name:
        return None
    if name in (tie_break_aspect_names(edition) if names is None else names):
        return None
    return _(
        "The tie-break aspect “%(name)s” is not an aspect of this edition (any more): choose one of its aspects "
        "in the settings."
    ) % {"name": name}


def _changed(instance, stored, fields):
    return [name for name in fields if getattr(instance, name) != getattr(stored, name)]


def _editable_fields(model):
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key and f.editable]


# --- edition settings ---


def check_edition_settings(edition):
    """ValidationError when saving ``edition`` (changed in memory) would break a lock; else the changed fields."""
    stored = Edition.objects.get(pk=edition.pk)
    changed = _changed(edition, stored, _editable_fields(Edition))
    if "state" in changed:
        raise ValidationError(_("The state of an edition changes only through its workflow."), code="state")
    if changed:
        require_settings_editable(stored)
    if set(changed) & set(FORMULA_FIELDS):
        require_edition_criteria_editable(stored)
        if "tie_break_aspect" in changed:
            problem = tie_break_problem(edition)
            if problem:
                raise ValidationError({"tie_break_aspect": problem}, code="tie_break_aspect")
    return changed


def save_edition_settings(edition):
    """Save an existing edition's settings (name, quotas, formula...) as changed in memory.

    Refused (ValidationError, nothing saved) once published, and for the formula settings from the
    first score. The state is not a setting: it moves through ``workflow.move_edition``.
    """
    with transaction.atomic():
        _locked_edition(edition.pk)
        changed = check_edition_settings(edition)
        if changed:
            edition.full_clean()
            edition.save()
    return edition


# --- stages ---


def check_stage(stage):
    """ValidationError when saving ``stage`` (new, or changed in memory) would break a lock."""
    if stage.edition_id is None:
        return  # a stage of an edition still being created
    edition = Edition.objects.get(pk=stage.edition_id)
    if stage.pk is None:
        if not edition.in_setup:
            raise ValidationError(_("Stages can only be added before the assessment starts."), code="not_in_setup")
        return
    stored = Stage.objects.select_related("edition").get(pk=stage.pk)
    changed = _changed(stage, stored, _editable_fields(Stage))
    if changed:
        require_settings_editable(stored.edition)
    if set(changed) & set(STAGE_CRITERIA_FIELDS):
        require_stage_criteria_editable(stored)
        if stored.edition_id != edition.pk:
            require_edition_criteria_editable(edition)


def save_stage(stage):
    """Add a stage (only before the assessment starts) or save one's changes, within the locks."""
    with transaction.atomic():
        _locked_edition(stage.edition_id)
        check_stage(stage)
        if stage.pk is None and not stage.order:
            stage.order = (Stage.objects.filter(edition_id=stage.edition_id).aggregate(m=Max("order"))["m"] or 0) + 1
        stage.full_clean()
        stage.save()
    return stage


def delete_stage(stage):
    """Remove a stage with its criteria: only before the assessment starts, and never one with scores."""
    with transaction.atomic():
        stage = _locked_stage(stage.pk)
        if not stage.edition.in_setup or stage.has_scores():
            raise ValidationError(_("This stage can no longer be removed: the assessment has started."))
        stage.delete()


# --- aspects, indicators, rubric levels ---


def _stage_of(item):
    """The stage the criterion belongs to (aspect, indicator or rubric level), read afresh; None before
    the criterion is attached to anything (its parent is still being created)."""
    stages = Stage.objects.select_related("edition")
    if isinstance(item, Aspect):
        return stages.filter(pk=item.stage_id).first()
    if isinstance(item, Indicator):
        return stages.filter(aspects__pk=item.aspect_id).first()
    return stages.filter(aspects__indicators__pk=item.indicator_id).first()


def check_criterion(item):
    """ValidationError when writing (saving or deleting) the criterion would change locked criteria.

    Both the stage it belongs to now and, for a stored one, the stage it belonged to must be editable.
    """
    stages = [_stage_of(item)]
    if item.pk is not None:
        stored = type(item).objects.filter(pk=item.pk).first()
        if stored is not None:
            stages.append(_stage_of(stored))
    for stage in {s.pk: s for s in stages if s is not None}.values():
        require_stage_criteria_editable(stage)


def save_criterion(item):
    """Save an aspect, an indicator or a rubric level (new or changed) while its stage is editable."""
    with transaction.atomic():
        stage = _stage_of(item)
        if stage is not None:
            _locked_stage(stage.pk)
        check_criterion(item)
        item.full_clean()
        item.save()
    return item


def delete_criterion(item):
    """Remove an aspect (with its indicators), an indicator or a rubric level while its stage is editable.

    Evidence uploaded for an indicator keeps it in place (the database's PROTECT raises ProtectedError).
    """
    with transaction.atomic():
        stage = _stage_of(item)
        if stage is not None:
            _locked_stage(stage.pk)
        check_criterion(item)
        item.delete()


# --- a rubric as a whole ---


def rubric_level_problems(levels, low, high, where):
    """Problems of a rubric's levels: whole distinct values, each labelled, covering the scale without a gap.

    ``levels`` are dictionaries with ``value`` and ``label``; ``low``/``high`` the indicator's scale (None
    when not known). A score on a rubric is one of its levels: a 1–5 rubric with levels 1 and 2 only could
    never score above 25 %, so every whole number from the lowest to the highest score must be a level.
    """
    errors = []
    if len(levels) < 2:
        errors.append(_("%(where)s: a rubric needs at least two levels.") % {"where": where})
    seen = set()
    for level in levels:
        if not isinstance(level, dict):
            errors.append(_("%(where)s: a rubric level is not a level.") % {"where": where})
            continue
        value = level.get("value")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors.append(
                _("%(where)s: rubric level %(value)r is not a whole number.") % {"where": where, "value": value}
            )
            continue
        if value in seen:
            errors.append(_("%(where)s: rubric level %(value)s appears twice.") % {"where": where, "value": value})
        seen.add(value)
        if low is not None and high is not None and not low <= value <= high:
            errors.append(
                _("%(where)s: rubric level %(value)s lies outside the scale %(low)s–%(high)s.")
                % {"where": where, "value": value, "low": plain_number(low), "high": plain_number(high)}
            )
        if not isinstance(level.get("label"), str) or not level["label"].strip():
            errors.append(_("%(where)s: rubric level %(value)s has no label.") % {"where": where, "value": value})
    if low is None or high is None or errors:
        return errors
    if low != int(low) or high != int(high):
        errors.append(
            _("%(where)s: a rubric's lowest and highest scores must be whole numbers (the levels' scores).")
            % {"where": where}
        )
        return errors
    missing = [value for value in range(int(low), int(high) + 1) if value not in seen]
    if missing:
        errors.append(
            _(
                "%(where)s: the levels must cover the whole scale %(low)s–%(high)s, one level per score; "
                "missing: %(missing)s. Add the missing levels or change the lowest and highest scores."
            )
            % {
                "where": where,
                "low": plain_number(low),
                "high": plain_number(high),
                "missing": ", ".join(map(str, missing)),
            }
        )
    return errors


def save_indicator(indicator, levels=(), deleted_levels=()):
    """Save an indicator with its rubric levels as a whole, while its stage is editable.

    ``levels`` are the RubricLevel rows to save (new or changed), ``deleted_levels`` those to remove.
    Once written, the indicator's stored levels are checked together (``rubric_level_problems``): a rubric
    whose levels leave a gap or do not reach its lowest or highest score is refused, and nothing is
    saved. A numeric indicator keeps no level.
    """
    with transaction.atomic():
        save_criterion(indicator)
        for level in deleted_levels:
            if level.pk is not None:
                delete_criterion(level)
        for level in levels:
            level.indicator = indicator
            save_criterion(level)
        stored = list(RubricLevel.objects.filter(indicator=indicator).values("value", "label"))
        if indicator.scale == Indicator.Scale.RUBRIC:
            problems = rubric_level_problems(stored, indicator.scale_min, indicator.scale_max, _("Rubric"))
        elif stored:
            problems = [_("A numeric indicator has no rubric levels: remove them or choose rubric.")]
        else:
            problems = []
        if problems:
            raise ValidationError(problems, code="rubric_levels")
    return indicator
