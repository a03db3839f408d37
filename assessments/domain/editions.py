"""Editions: creating, copying from last year, exporting and importing their configuration.

The configuration travels as the dictionary of ``configuration.export_configuration``. Everything
that reads one from outside (an uploaded file) goes through ``validate_configuration``, which
reports every problem it finds, so that an admin fixes a file in one round instead of many.
The weight rule lives in ``weight_total_problem`` alone: the criteria forms, the import and the
workflow all ask it.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from assessments.domain import criteria
from assessments.domain.configuration import EDITION_FIELDS, apply_configuration, create_edition, export_configuration
from assessments.domain.criteria import rubric_level_problems
from assessments.models import (
    Aspect,
    AwardCategory,
    Decree,
    Edition,
    EditionTransition,
    Indicator,
    Score,
    Stage,
    StageEntry,
)

FORMAT = "sp2k-edition/1"
HUNDRED = Decimal(100)
SCALE_BOUND_LIMIT = Decimal(10000)  # Indicator.scale_min/scale_max: max_digits=6, decimal_places=2
MAX_IMPORT_BYTES = 1024 * 1024  # a configuration is a few kilobytes; anything this large is not one
# libyaml when installed: it refuses nesting beyond 1000 levels at once, where the pure-Python scanner
# takes many seconds over a few thousand "[" before Python's recursion limit stops it.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- the weight rule ---


def weight_total(weights):
    return sum((Decimal(str(w or 0)) for w in weights), Decimal(0))


def weight_total_problem(weights, what):
    """A message when the weights of one level do not add up to 100, else None.

    ``what`` names the level for the message, e.g. "the aspects of stage Presentasi".
    """
    total = weight_total(weights)
    if total == HUNDRED:
        return None
    return _("The weights of %(what)s add up to %(total)s, not 100.") % {"what": what, "total": _number(total)}


def weight_problems(data):
    """Every weight level of a configuration dictionary that does not add up to 100.

    Levels holding a weight that is not a number are skipped: that weight is reported on its own.
    """
    problems = []

    def check(items, what):
        weights = [item.get("weight") for item in items if isinstance(item, dict)]
        if weights and all(_decimal_or_none(w) is not None for w in weights):
            problem = weight_total_problem(weights, what)
            if problem:
                problems.append(problem)

    stages = _list(data.get("stages"))
    if data.get("final_score") == Edition.FinalScore.WEIGHTED_STAGES:
        check(stages, _("the stages in the final score"))
    for stage in stages:
        if not isinstance(stage, dict):
            continue
        aspects = _list(stage.get("aspects"))
        check(aspects, _("the aspects of stage “%(name)s”") % {"name": stage.get("name")})
        for aspect in aspects:
            if isinstance(aspect, dict):
                check(
                    _list(aspect.get("indicators")),
                    _("the indicators of aspect “%(name)s” (stage “%(stage)s”)")
                    % {"name": aspect.get("name"), "stage": stage.get("name")},
                )
    return problems


def _list(value):
    return value if isinstance(value, list) else []


def _aspect_names(data):
    return {
        aspect.get("name")
        for stage in _list(data.get("stages"))
        if isinstance(stage, dict)
        for aspect in _list(stage.get("aspects"))
        if isinstance(aspect, dict)
    }


_number = criteria.plain_number  # a decimal without trailing zeros: 100, 33.33


# --- reads ---


def stages_with_counts(edition):
    """The edition's stages, each with how many participants are in it and whether it has scores."""
    # Subqueries rather than joins: joining entries and scores would multiply the rows counted.
    entries = StageEntry.objects.filter(stage=OuterRef("pk")).values("stage").annotate(n=Count("pk")).values("n")
    return edition.stages.annotate(
        entry_count=Coalesce(Subquery(entries), 0),
        has_scores=Exists(Score.objects.filter(sheet__stage=OuterRef("pk"))),
    ).order_by("order")


def transitions(edition):
    return EditionTransition.objects.filter(edition=edition).select_related("by").order_by("at", "pk")


def copy_sources(province, exclude=None):
    """Editions of the province a new one may be copied from, newest first."""
    editions = Edition.objects.filter(province=province).order_by("-year", "name")
    return editions.exclude(pk=exclude.pk) if exclude else editions


# --- writes ---


def create_blank_edition(province, **fields):
    """A new draft edition without stages (its settings from ``fields``)."""
    edition = Edition(province=province, **fields)
    edition.full_clean()
    edition.save()
    return edition


def _shift_year(iso_date, years):
    if not iso_date:
        return iso_date
    day = datetime.date.fromisoformat(iso_date)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28).isoformat()


def copy_edition(source, name, year):
    """ "Copy from last year": a new draft with the source's settings and criteria, dates moved by the years between.

    Participants, assessors and scores are not copied: they belong to one year.
    """
    data = export_configuration(source)
    years = year - source.year
    for stage in data["stages"]:
        stage["starts_on"] = _shift_year(stage["starts_on"], years)
        stage["ends_on"] = _shift_year(stage["ends_on"], years)
    if Edition.objects.filter(province_id=source.province_id, name=name).exists():
        raise ValidationError({"name": _("An edition of this name already exists in the province.")})
    with transaction.atomic():
        edition = create_edition(source.province, name, year, data, copied_from=source)
        AwardCategory.objects.bulk_create(
            AwardCategory(edition=edition, order=category.order, name=category.name, rank=category.rank)
            for category in source.award_categories.order_by("order")
        )
        _copy_decree(source, edition)
    return edition


def _replace_year(text, old, new):
    return text.replace(str(old), str(new)) if old != new else text


def _copy_decree(source, edition):
    """The decree's set-up carried to the new year: title (its year changed), place, signatory, paper size,
    Menimbang, Mengingat and the prize amounts.

    The number and the date of signing are not carried: a decree of a new year gets its own number and
    date, entered before it can be printed (``documents`` refuses a decree without them). The form shows
    last year's number as the pattern to follow.
    """
    old = Decree.objects.filter(edition=source).first()
    if old is None:
        return None
    return Decree.objects.create(
        edition=edition,
        number="",
        date=None,
        title=_replace_year(old.title, source.year, edition.year),
        place=old.place,
        signatory_office=old.signatory_office,
        signatory_name=old.signatory_name,
        considerations=list(old.considerations),
        legal_bases=list(old.legal_bases),
        amounts=dict(old.amounts),
        page_size=old.page_size,
    )


def deletion_problems(edition):
    """Why the edition cannot be deleted (empty when it can): only a draft that nobody has used yet."""
    problems = []
    if not edition.is_draft:
        problems.append(
            _("Only a draft edition can be deleted; this one has been opened (%(state)s).")
            % {"state": edition.get_state_display()}
        )
    if edition.participants.exists():
        problems.append(_("Kecamatan have been nominated for this edition."))
    if edition.has_scores():
        problems.append(_("This edition already has scores."))
    if edition.documents.exists():
        problems.append(_("Documents have been printed for this edition."))
    return problems


def deletion_summary(edition):
    """What deleting the edition removes, for the confirmation page: counts of its set-up."""
    return {
        "stages": edition.stages.count(),
        "aspects": Aspect.objects.filter(stage__edition=edition).count(),
        "indicators": Indicator.objects.filter(aspect__stage__edition=edition).count(),
        "award_categories": edition.award_categories.count(),
        "assessors": edition.assessors.count(),
        "decree": Decree.objects.filter(edition=edition).exists(),
    }


def delete_edition(edition):
    """Delete a draft edition made by mistake, with its set-up (stages, criteria, awards, decree).

    Refused (ValidationError, nothing deleted) once it left the draft state, once a kecamatan was
    nominated, a score given or a document printed: from then on it is part of the record.
    """
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        problems = deletion_problems(locked)
        if problems:
            raise ValidationError(problems, code="not_deletable")
        locked.delete()


def suggested_copy_name(source, year):
    """ "SP2K Jawa Timur 2022" copied to 2023 becomes "SP2K Jawa Timur 2023"."""
    if str(source.year) in source.name:
        return source.name.replace(str(source.year), str(year))
    return f"{source.name} {year}"


def next_order(queryset):
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


def add_stage(edition, stage):
    """Add a stage at the end of the edition (only before assessment starts)."""
    stage.edition = edition
    return criteria.save_stage(stage)


def delete_stage(stage):
    criteria.delete_stage(stage)


# --- export and import ---


def export_json(edition):
    return json.dumps(export_configuration(edition), ensure_ascii=False, indent=2)


def export_yaml(edition):
    return yaml.safe_dump(export_configuration(edition), allow_unicode=True, sort_keys=False, width=120)


def _refuse_yaml_aliases(text):
    """Refuse YAML anchors and aliases before loading: a few kilobytes of nested aliases ("billion
    laughs") expand to billions of items once anything walks or prints the loaded data. Exports never
    use them. The scanner reads tokens one after another, without recursion or expansion."""
    for token in yaml.scan(text, Loader=YAML_LOADER):
        if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
            raise ValidationError(_("The file uses YAML anchors or aliases (& and *), which are not accepted."))


def parse_configuration_file(uploaded):
    """The dictionary in an uploaded .json/.yaml/.yml file; ValidationError if it cannot be read."""
    if uploaded.size > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is too large for a configuration (at most 1 MB)."))
    raw = uploaded.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text.")) from exc
    name = (uploaded.name or "").lower()
    try:
        if name.endswith(".json"):
            data = json.loads(text)
        elif name.endswith((".yaml", ".yml")):
            _refuse_yaml_aliases(text)
            data = yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
        else:
            raise ValidationError(_("Upload a .json, .yaml or .yml file."))
    except RecursionError as exc:
        # Thousands of nested brackets exhaust the parsers' recursion: a refusal, not a server error.
        raise ValidationError(_("The file is nested too deeply to be a configuration.")) from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("The file is not valid JSON (line %(line)s: %(error)s).") % {"line": exc.lineno, "error": exc.msg}
        ) from exc
    except yaml.YAMLError as exc:
        raise ValidationError(_("The file is not valid YAML: %(error)s") % {"error": exc}) from exc
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - a date like 2024-02-30, a 5000-digit number...: a refusal, not a 500
        raise ValidationError(
            _("“%(name)s” cannot be read as a configuration: %(error)s")
            % {"name": uploaded.name or "", "error": str(exc)[:200]}
        ) from exc
    return data


def _decimal_or_none(value):
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _whole_number_between(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _iso_date(value):
    """Dates as ISO strings (YAML may already have turned an unquoted date into a date)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def validate_configuration(data):
    """Every problem of a configuration dictionary, as a list of messages (empty when it is valid).

    Also normalises what YAML may have parsed into other types (dates), in place.
    """
    errors = []
    if not isinstance(data, dict):
        return [_("The file does not hold an edition configuration.")]
    if data.get("format") != FORMAT:
        errors.append(
            _("Unknown format %(found)r: expected %(format)r.") % {"found": data.get("format"), "format": FORMAT}
        )
    choices = {
        "aggregation": Edition.Aggregation.values,
        "final_score": Edition.FinalScore.values,
    }
    for field, allowed in choices.items():
        if field not in data:
            errors.append(_("The field %(field)s is missing.") % {"field": field})
        elif data[field] not in allowed:
            errors.append(
                _("%(field)s: %(value)r is not one of %(allowed)s.")
                % {"field": field, "value": data[field], "allowed": ", ".join(allowed)}
            )
    limits = {"nomination_quota": (1, 1000), "evidence_max_mb": (1, 500), "reminder_days": (0, 60)}
    for field, (low, high) in limits.items():
        if field in data and not _whole_number_between(data[field], low, high):
            errors.append(
                _("%(field)s must be a whole number from %(low)s to %(high)s.")
                % {"field": field, "low": low, "high": high}
            )
    if "tie_break_aspect" in data and not isinstance(data["tie_break_aspect"], str):
        errors.append(_("tie_break_aspect must be text."))
    elif data.get("tie_break_aspect") and data["tie_break_aspect"] not in _aspect_names(data):
        errors.append(
            _("tie_break_aspect: “%(name)s” is not the name of an aspect of this configuration.")
            % {"name": data["tie_break_aspect"]}
        )
    if "tie_break_previous_stage" in data and not isinstance(data["tie_break_previous_stage"], bool):
        errors.append(_("tie_break_previous_stage must be true or false."))
    unknown = set(data) - {"format", "name", "year", "stages", *EDITION_FIELDS}
    if unknown:
        errors.append(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(map(str, unknown)))})

    stages = data.get("stages")
    if not isinstance(stages, list):
        errors.append(_("The field stages is missing or is not a list."))
        return errors
    orders = set()
    for s_index, stage in enumerate(stages, start=1):
        where = _("Stage %(n)s") % {"n": s_index}
        if not isinstance(stage, dict):
            errors.append(_("%(where)s is not a stage.") % {"where": where})
            continue
        errors += _check_stage(stage, where, orders)
    return errors + weight_problems(data)


def _required_text(item, field, where, errors):
    value = item.get(field)
    if not isinstance(value, str) or not value.strip():
        errors.append(_("%(where)s: %(field)s is missing.") % {"where": where, "field": field})
        return False
    return True


def _weight(item, where, errors):
    weight = _decimal_or_none(item.get("weight"))
    if weight is None:
        errors.append(_("%(where)s: weight is missing or not a number.") % {"where": where})
    elif not Decimal(0) <= weight <= HUNDRED:
        errors.append(_("%(where)s: weight must be between 0 and 100.") % {"where": where})


def _check_stage(stage, where, orders):
    errors = []
    if _required_text(stage, "name", where, errors):
        where = f"{where} “{stage['name']}”"
    order = stage.get("order")
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        errors.append(_("%(where)s: order must be a whole number from 1.") % {"where": where})
    elif order in orders:
        errors.append(_("%(where)s: another stage has the order %(order)s.") % {"where": where, "order": order})
    else:
        orders.add(order)
    if stage.get("kind") not in Stage.Kind.values:
        errors.append(
            _("%(where)s: kind %(value)r is not one of %(allowed)s.")
            % {"where": where, "value": stage.get("kind"), "allowed": ", ".join(Stage.Kind.values)}
        )
    dates = {}
    for field in ("starts_on", "ends_on"):
        value = stage[field] = _iso_date(stage.get(field))
        if value in (None, ""):
            stage[field] = None
            continue
        try:
            dates[field] = datetime.date.fromisoformat(str(value))
        except ValueError:
            errors.append(
                _("%(where)s: %(field)s %(value)r is not a date (YYYY-MM-DD).")
                % {"where": where, "field": field, "value": value}
            )
    if len(dates) == 2 and dates["ends_on"] < dates["starts_on"]:
        errors.append(_("%(where)s: it ends before it starts.") % {"where": where})
    _weight(stage, where, errors)
    advance = stage.get("advance_count")
    if advance is not None and (not isinstance(advance, int) or isinstance(advance, bool) or advance < 1):
        errors.append(_("%(where)s: advance_count must be empty or a whole number from 1.") % {"where": where})
    aspects = stage.get("aspects")
    if not isinstance(aspects, list):
        errors.append(_("%(where)s: aspects is missing or is not a list.") % {"where": where})
        return errors
    for a_index, aspect in enumerate(aspects, start=1):
        a_where = _("%(where)s, aspect %(n)s") % {"where": where, "n": a_index}
        if not isinstance(aspect, dict):
            errors.append(_("%(where)s is not an aspect.") % {"where": a_where})
            continue
        if _required_text(aspect, "name", a_where, errors):
            a_where = f"{a_where} “{aspect['name']}”"
        _weight(aspect, a_where, errors)
        indicators = aspect.get("indicators")
        if not isinstance(indicators, list):
            errors.append(_("%(where)s: indicators is missing or is not a list.") % {"where": a_where})
            continue
        for i_index, indicator in enumerate(indicators, start=1):
            i_where = _("%(where)s, indicator %(n)s") % {"where": a_where, "n": i_index}
            if not isinstance(indicator, dict):
                errors.append(_("%(where)s is not an indicator.") % {"where": i_where})
                continue
            errors += _check_indicator(indicator, i_where)
    return errors


def _check_indicator(indicator, where):
    errors = []
    if _required_text(indicator, "name", where, errors):
        where = f"{where} “{indicator['name']}”"
    _weight(indicator, where, errors)
    scale = indicator.get("scale", Indicator.Scale.NUMERIC)
    if scale not in Indicator.Scale.values:
        errors.append(
            _("%(where)s: scale %(value)r is not one of %(allowed)s.")
            % {"where": where, "value": scale, "allowed": ", ".join(Indicator.Scale.values)}
        )
    low = _decimal_or_none(indicator.get("scale_min", 0))
    high = _decimal_or_none(indicator.get("scale_max", 100))
    if low is None or high is None:
        errors.append(_("%(where)s: scale_min and scale_max must be numbers.") % {"where": where})
    elif not all(abs(bound) < SCALE_BOUND_LIMIT and bound == bound.quantize(Decimal("0.01")) for bound in (low, high)):
        # What Indicator.scale_min/scale_max hold (max_digits=6, decimal_places=2); PostgreSQL refuses more.
        errors.append(
            _("%(where)s: scale_min and scale_max must lie between -9999.99 and 9999.99, with at most two decimals.")
            % {"where": where}
        )
        low = high = None
    elif high <= low:
        errors.append(_("%(where)s: the highest score must be above the lowest.") % {"where": where})
    if not isinstance(indicator.get("requires_evidence", False), bool):
        errors.append(_("%(where)s: requires_evidence must be true or false.") % {"where": where})
    if "description" in indicator and not isinstance(indicator["description"], str):
        errors.append(_("%(where)s: description must be text.") % {"where": where})
    levels = indicator.get("levels") or []
    if not isinstance(levels, list):
        errors.append(_("%(where)s: levels is not a list.") % {"where": where})
        return errors
    if scale == Indicator.Scale.NUMERIC and levels:
        errors.append(_("%(where)s: a numeric indicator has no rubric levels.") % {"where": where})
    if scale == Indicator.Scale.RUBRIC:
        errors += rubric_level_problems(levels, low, high, where)
    return errors


@transaction.atomic
def import_configuration(edition, data):
    """Replace a draft edition's criteria with a validated configuration; ValidationError listing every problem.

    Nothing changes unless all of it is valid. The file's own name and year are ignored: the
    edition keeps its own.
    """
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if not edition.is_draft:
        raise ValidationError(_("A configuration can only be imported into a draft edition."))
    if edition.has_scores():
        raise ValidationError(_("This edition already has scores; its criteria can no longer be replaced."))
    errors = validate_configuration(data)
    if errors:
        raise ValidationError(errors)
    data = {key: value for key, value in data.items() if key not in ("name", "year")}
    return apply_configuration(edition, data)
