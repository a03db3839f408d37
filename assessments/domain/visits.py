"""The field-visit schedule: the province plans when its assessors visit each kecamatan of a field-visit stage.

Every rule is checked here, in the write functions, so that the planning page, the Django admin and any
command obey them alike:

- only a field-visit stage has visits, and only for the participants shortlisted into that stage (its
  entries);
- the team is made of the edition's assessors, none with a conflict of interest with the kecamatan
  (``assessments.domain.conflicts``), at least one;
- no assessor is on two visits at the same time (on any stage or edition): visits of a team overlap when
  their times do on the same day; a visit without an end time takes the rest of its day;
- the date lies within the stage's dates when they are set;
- nothing changes once the edition's results are final;
- a visit moved (date or time) or whose team changed keeps a record of what it was (``FieldVisitChange``);
- once committed, everyone concerned (the kecamatan's camat and operators, its regency's admins, the
  visit's assessors, those taken off it too) is told of a new or moved visit: an in-portal notice and an
  e-mail sent by the worker (``sp2k.notices``), linking to their home page, where the visit shows.

The notice letter to the camat (*surat pemberitahuan*) is a document like the others
(``assessments.domain.documents``): its facts are read here, it is issued and verified there.
"""

from dataclasses import dataclass, field
from datetime import date as date_type
from datetime import time as time_type

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.domain import documents
from assessments.domain.conflicts import conflict_pairs
from assessments.models import Document, Edition, EditionAssessor, FieldVisit, FieldVisitChange, StageEntry
from assessments.rules import is_edition_admin
from districts.models import DistrictProfile
from sp2k.accounts.models import DISTRICT_ROLES, Role, User
from sp2k.notices.models import Notice
from sp2k.notices.services import notify_on_commit


@dataclass
class VisitPlan:
    """One row of the planning table: the visit of ``participant``."""

    participant: object
    date: date_type | None
    starts_at: time_type | None
    assessors: list = field(default_factory=list)
    ends_at: time_type | None = None
    meeting_place: str = ""
    notes: str = ""


# --- rules --------------------------------------------------------------------------------------


def require_field_visit_stage(stage):
    if stage.kind != stage.Kind.FIELD_VISIT:
        raise ValidationError(_("Only a field-visit stage has a visit schedule."))


def require_plannable(stage):
    """The stage's visits may be planned or moved: a field-visit stage whose results are not final."""
    require_field_visit_stage(stage)
    if stage.edition.results_final:
        raise ValidationError(_("The results are final: the field visits can no longer be planned or moved."))


def visits_editable(stage):
    """Whether the planning page offers to plan or move the stage's visits."""
    return stage.kind == stage.Kind.FIELD_VISIT and not stage.edition.results_final


def visit_assessors(stage):
    """The assessors who may go on the stage's visits: the edition's active assessors."""
    return (
        User.objects.filter(
            pk__in=EditionAssessor.objects.filter(edition_id=stage.edition_id).values("user_id"), is_active=True
        )
        .select_related("regency")
        .order_by("full_name", "username")
    )


def _span(starts_at, ends_at):
    """The part of its day a visit takes: until its end, else the rest of the day."""
    return starts_at, ends_at or time_type.max


def _overlap(a, b):
    return a[0] < b[1] and b[0] < a[1]


def _check_plan(stage, plan, team_pool, entries, conflicts):
    participant = plan.participant
    name = participant.district.name
    if participant.edition_id != stage.edition_id or participant.pk not in entries:
        raise ValidationError(_("Kecamatan %(name)s is not in this stage: it has no field visit.") % {"name": name})
    if plan.date is None or plan.starts_at is None:
        raise ValidationError(_("Kecamatan %(name)s: enter the date and time of the visit.") % {"name": name})
    if (stage.starts_on and plan.date < stage.starts_on) or (stage.ends_on and plan.date > stage.ends_on):
        raise ValidationError(_("Kecamatan %(name)s: the visit must fall within the stage's dates.") % {"name": name})
    if plan.ends_at is not None and plan.ends_at <= plan.starts_at:
        raise ValidationError(_("Kecamatan %(name)s: the visit must end after it starts.") % {"name": name})
    if not plan.assessors:
        raise ValidationError(_("Kecamatan %(name)s: choose at least one assessor for the visit.") % {"name": name})
    for assessor in plan.assessors:
        if assessor.pk not in team_pool:
            raise ValidationError(_("%(assessor)s is not an assessor of this edition.") % {"assessor": str(assessor)})
        if (assessor.pk, participant.pk) in conflicts:
            raise ValidationError(
                _("%(assessor)s has a conflict of interest with Kecamatan %(name)s.")
                % {"assessor": str(assessor), "name": name}
            )


def _check_no_double_booking(stage, plans):
    """No assessor of ``plans`` is on two visits at the same time: among the plans, nor with any other
    visit (of any stage or edition) that the plans do not replace."""
    dates = {plan.date for plan in plans}
    team_ids = {assessor.pk for plan in plans for assessor in plan.assessors}
    slots = []  # (assessor pk, assessor, date, span, kecamatan name)
    for plan in plans:
        for assessor in plan.assessors:
            slots.append((assessor.pk, assessor, plan.date, _span(plan.starts_at, plan.ends_at), plan))
    others = (
        FieldVisit.objects.filter(date__in=dates, assessors__in=team_ids)
        .exclude(stage=stage, participant_id__in=[plan.participant.pk for plan in plans])
        .select_related("participant__district")
        .prefetch_related("assessors")
        .distinct()
    )
    for visit in others:
        for assessor in visit.assessors.all():
            if assessor.pk in team_ids:
                slots.append((assessor.pk, assessor, visit.date, _span(visit.starts_at, visit.ends_at), visit))
    for i, (pk, assessor, day, span, what) in enumerate(slots):
        for other_pk, _other, other_day, other_span, other in slots[i + 1 :]:
            if pk == other_pk and day == other_day and _overlap(span, other_span):
                raise ValidationError(
                    _(
                        "%(assessor)s would be on two visits at the same time on %(date)s: Kecamatan %(first)s "
                        "and Kecamatan %(second)s. A visit without an end time takes the rest of its day."
                    )
                    % {
                        "assessor": str(assessor),
                        "date": date_format(day, "DATE_FORMAT"),
                        "first": what.participant.district.name,
                        "second": other.participant.district.name,
                    }
                )


def _names(users):
    return sorted(str(user) for user in users)


# --- writes -------------------------------------------------------------------------------------


def plan_visits(stage, plans, by, reason=""):
    """Plan or move the visits of ``plans`` (``VisitPlan``), all or none; returns the visits.

    A visit that exists and changes date, time or team records the change; after commit, the people
    concerned by a new or changed visit are told (see ``visit_recipients``).
    """
    if not (by.is_superuser or is_edition_admin(by, stage.edition)):
        raise ValidationError(_("Only the province admin of this edition plans its field visits."))
    with transaction.atomic():
        # Serialises with the edition's state moves: no visit moves while the results become final.
        edition = Edition.objects.select_for_update().get(pk=stage.edition_id)
        stage.edition = edition
        require_plannable(stage)
        team_pool = set(visit_assessors(stage).values_list("pk", flat=True))
        entries = set(StageEntry.objects.filter(stage=stage).values_list("participant_id", flat=True))
        conflicts = conflict_pairs(
            list({a.pk: a for plan in plans for a in plan.assessors}.values()), [plan.participant for plan in plans]
        )
        for plan in plans:
            _check_plan(stage, plan, team_pool, entries, conflicts)
        _check_no_double_booking(stage, plans)
        existing = {
            visit.participant_id: visit
            for visit in FieldVisit.objects.select_for_update().filter(stage=stage).prefetch_related("assessors")
        }
        visits = []
        for plan in plans:
            visit = existing.get(plan.participant.pk)
            if visit is None:
                visit = FieldVisit(stage=stage, participant=plan.participant, planned_by=by)
                old = None
            else:
                old = (visit.date, visit.starts_at, set(visit.assessors.all()))
            before = (visit.date, visit.starts_at, visit.ends_at, visit.meeting_place)
            visit.date, visit.starts_at, visit.ends_at = plan.date, plan.starts_at, plan.ends_at
            visit.meeting_place, visit.notes = plan.meeting_place.strip(), plan.notes.strip()
            visit.full_clean(exclude=["planned_by"], validate_unique=False)
            visit.save()
            team = set(plan.assessors)
            visit.assessors.set(team)
            if old is None:
                _announce(visit, team, team, planned=True)
            elif (old[0], old[1], {u.pk for u in old[2]}) != (visit.date, visit.starts_at, {u.pk for u in team}):
                change = FieldVisitChange.objects.create(
                    visit=visit,
                    old_date=old[0],
                    old_starts_at=old[1],
                    new_date=visit.date,
                    new_starts_at=visit.starts_at,
                    old_assessors=_names(old[2]),
                    new_assessors=_names(team),
                    reason=reason.strip()[:500],
                    by=by,
                )
                _announce(visit, team, old[2] | team, change=change)
            elif before != (visit.date, visit.starts_at, visit.ends_at, visit.meeting_place):
                _announce(visit, team, team)  # a new end time or meeting place: told, not a move
            visits.append(visit)
    return visits


def plan_visit(
    stage, participant, *, date, starts_at, assessors, by, ends_at=None, meeting_place="", notes="", reason=""
):
    """Plan or move one visit (see ``plan_visits``)."""
    plan = VisitPlan(participant, date, starts_at, list(assessors), ends_at, meeting_place, notes)
    return plan_visits(stage, [plan], by, reason=reason)[0]


# --- telling the people concerned ---------------------------------------------------------------


def visit_recipients(visit, extra=()):
    """Everyone concerned by a visit: the kecamatan's camat and operators, the admins of its regency, and
    the visit's assessors (``extra``: the team before and after a change, so that an assessor taken off
    it hears too). Active accounts only, each once, in a stable order."""
    district = visit.participant.district
    accounts = User.objects.filter(
        Q(district_id=district.pk, role__in=DISTRICT_ROLES)
        | Q(regency_id=district.regency_id, role=Role.REGENCY_ADMIN),
        is_active=True,
    )
    people = {user.pk: user for user in accounts}
    for user in extra:
        if user.is_active:
            people.setdefault(user.pk, user)
    return [people[pk] for pk in sorted(people)]


def _when(visit):
    when = f"{date_format(visit.date, 'DATE_FORMAT')}, {visit.starts_at:%H.%M}"
    return f"{when}–{visit.ends_at:%H.%M}" if visit.ends_at else when


def _visit_lines(visit, team):
    district = visit.participant.district
    lines = [
        f"{visit.stage.edition.name} · {visit.stage.name}",
        _("Kecamatan %(district)s, %(regency)s") % {"district": district.name, "regency": district.regency.name},
        _("When: %(when)s") % {"when": _when(visit)},
        _("Team: %(team)s") % {"team": ", ".join(_names(team)) or "–"},
    ]
    if visit.meeting_place:
        lines.append(_("Meeting place: %(place)s") % {"place": visit.meeting_place})
    return lines


def _announce(visit, team, people, *, planned=False, change=None):
    """Queue, for after commit, the notice of a planned, moved or updated visit to everyone concerned,
    in the portal's language, linking to their home page (where the visit shows)."""
    district = visit.participant.district.name
    with translation.override(settings.LANGUAGE_CODE):
        lines = _visit_lines(visit, team)
        if planned:
            subject = _("Field visit planned: Kecamatan %(district)s, %(when)s")
        elif change is not None:
            subject = _("Field visit moved: Kecamatan %(district)s, now %(when)s")
            lines.append(
                _("Before: %(date)s, %(time)s; team: %(team)s")
                % {
                    "date": date_format(change.old_date, "DATE_FORMAT"),
                    "time": change.old_starts_at.strftime("%H.%M"),
                    "team": ", ".join(change.old_assessors) or "–",
                }
            )
            if change.reason:
                lines.append(_("Reason: %(reason)s") % {"reason": change.reason})
        else:
            subject = _("Field visit updated: Kecamatan %(district)s, %(when)s")
        subject = subject % {"district": district, "when": _when(visit)}
    notify_on_commit(
        visit_recipients(visit, extra=people), Notice.Kind.FIELD_VISIT, subject, "\n".join(lines), reverse("dashboard")
    )


# --- reads the letter needs ---------------------------------------------------------------------


def time_zone_of(province_code):
    """WIB, WITA or WIT: the Indonesian time zone of a province (by its code), as letters print it."""
    code = int(province_code)
    if code >= 81:  # Maluku, Maluku Utara, Papua
        return "WIT"
    if code in (51, 52, 53, 63, 64, 65) or 71 <= code <= 76:  # Bali, Nusa Tenggara, Kalimantan S/T/U, Sulawesi
        return "WITA"
    return "WIB"


def visit_notice_facts(visit, *, number, signatory_office, signatory_name, place, letter_date=None):
    """What the notice letter to the camat states (all of it plain JSON, see ``domain.documents``)."""
    participant = visit.participant
    district = participant.district
    stage = visit.stage
    edition = stage.edition
    profile = DistrictProfile.objects.filter(district=district).first()
    if not (number or "").strip():
        raise ValidationError({"number": _("Enter the letter's number.")})
    if not (signatory_name or "").strip() or not (signatory_office or "").strip():
        raise ValidationError(_("Enter the signatory's office and name."))
    return {
        "kind": Document.Kind.VISIT_NOTICE.value,
        "edition": edition.name,
        "year": edition.year,
        "province": edition.province.name,
        "print": documents.print_facts(edition),
        "stage": stage.name,
        "letter_number": number.strip(),
        "date": (letter_date or timezone.localdate()).isoformat(),
        "place": (place or "").strip(),
        "signatory_office": signatory_office.strip(),
        "signatory_name": signatory_name.strip(),
        "district": district.name,
        "regency": district.regency.name,
        "camat": profile.camat_name if profile else "",
        "visit_date": visit.date.isoformat(),
        "starts_at": visit.starts_at.strftime("%H.%M"),
        "ends_at": visit.ends_at.strftime("%H.%M") if visit.ends_at else "",
        "time_zone": time_zone_of(edition.province_id),
        "meeting_place": visit.meeting_place,
        "team": _names(visit.assessors.all()),
    }


@transaction.atomic
def issue_visit_notice(visit, by, *, number, signatory_office, signatory_name, place="", letter_date=None):
    """The current notice letter of ``visit``: a new version when the visit or the letter changed."""
    stage = visit.stage
    require_field_visit_stage(stage)
    if not (by.is_superuser or is_edition_admin(by, stage.edition)):
        raise ValidationError(_("Only the province admin of this edition prints its letters."))
    facts = visit_notice_facts(
        visit,
        number=number,
        signatory_office=signatory_office,
        signatory_name=signatory_name,
        place=place,
        letter_date=letter_date,
    )
    return documents.issue(
        stage.edition,
        Document.Kind.VISIT_NOTICE,
        f"visit:{visit.pk}",
        facts,
        by,
        participant=visit.participant,
        stage=stage,
    )


def letter_defaults(visit):
    """The form's starting values: this visit's current letter, else the edition's latest letter (its
    signatory and place; the number and date are the new letter's own)."""
    letters = Document.objects.filter(
        edition_id=visit.stage.edition_id, kind=Document.Kind.VISIT_NOTICE, status=Document.Status.CURRENT
    ).order_by("-created_at", "-pk")
    own = letters.filter(subject=f"visit:{visit.pk}").first()
    latest = own or letters.first()
    facts = latest.facts if latest else {}
    return {
        "number": own.facts.get("letter_number", "") if own else "",
        "letter_date": date_type.fromisoformat(own.facts["date"]) if own else timezone.localdate(),
        "signatory_office": facts.get("signatory_office", ""),
        "signatory_name": facts.get("signatory_name", ""),
        "place": facts.get("place", ""),
    }


def letters_of(visit):
    """The visit's notice letters, newest version first."""
    return Document.objects.filter(
        edition_id=visit.stage.edition_id, kind=Document.Kind.VISIT_NOTICE, subject=f"visit:{visit.pk}"
    ).order_by("-version")
