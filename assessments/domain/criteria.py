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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from assessments.models import Aspect, Edition, Indicator, Stage

# The edition settings that decide how the assessors' scores become the ranking.
FORMULA_FIELDS = ("aggregation", "final_score", "tie_break_aspect")
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
