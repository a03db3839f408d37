"""Nominations: a regency admin puts its kecamatan forward, the province admin accepts or rejects.

Accepted nominees are the edition's participants. Everything here happens only while the edition's
nominations are open; the rules the issue sets (quota per regency, own regency, same province, a
reason for every rejection) are checked here and, where the database can, by its constraints too.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain.edition_notices import notify_nomination_decided
from assessments.models import Edition, Participant
from assessments.rules import is_edition_admin
from districts.models import District, Regency
from sp2k.accounts.models import Role


def _require_open(edition):
    if not edition.nominations_open:
        raise ValidationError(_("Nominations for %(edition)s are not open.") % {"edition": edition})


def _locked_edition(edition):
    # Serialises nominations of one edition, so that two admins cannot both fill the last quota place.
    return Edition.objects.select_for_update().get(pk=edition.pk)


def _used_places(edition, regency_id):
    """Nominations of the regency that count against its quota (not rejected, not withdrawn)."""
    return (
        Participant.objects.filter(edition=edition, district__regency_id=regency_id)
        .exclude(status__in=Participant.INACTIVE_STATUSES)
        .count()
    )


def nominate(edition, district, by):
    """Nominate a kecamatan of the admin's own regency; returns the new Participant."""
    if by.role != Role.REGENCY_ADMIN or not by.is_active or by.regency_id != district.regency_id:
        raise ValidationError(_("Only the admin of its own regency can nominate a kecamatan."))
    if district.regency_id[:2] != edition.province_id:
        raise ValidationError(_("This kecamatan does not lie in the edition's province."))
    with transaction.atomic():
        edition = _locked_edition(edition)
        _require_open(edition)
        if Participant.objects.filter(edition=edition, district=district).exists():
            raise ValidationError(_("Kecamatan %(district)s has already been nominated.") % {"district": district.name})
        if _used_places(edition, district.regency_id) >= edition.nomination_quota:
            raise ValidationError(
                _("Your regency has used its quota of %(quota)d nominations.") % {"quota": edition.nomination_quota}
            )
        return Participant.objects.create(edition=edition, district=district, nominated_by=by)


def enter_participants(edition, districts, by):
    """The province admin enters kecamatan as participants itself, on behalf of their regencies.

    Recorded as such (``entered_by_province``, ``nominated_by`` the admin) and accepted at once (the
    province decides, so there is nothing left to verify). The nomination rules hold as for a regency:
    nominations open, kecamatan of the edition's province not yet nominated, each regency's quota. All
    or nothing: a refusal names every kecamatan that does not fit. Returns the new participants.
    """
    if not (by.is_superuser or is_edition_admin(by, edition)):
        raise ValidationError(_("Only the province admin of this edition enters participants."))
    districts = list(districts)
    if not districts:
        raise ValidationError(_("Choose at least one kecamatan."))
    with transaction.atomic():
        edition = _locked_edition(edition)
        _require_open(edition)
        problems = []
        taken = set(
            Participant.objects.filter(edition=edition, district__in=districts).values_list("district_id", flat=True)
        )
        by_regency = {}
        for district in districts:
            if district.regency_id[:2] != edition.province_id:
                problems.append(_("%(district)s does not lie in the edition's province.") % {"district": district.name})
            elif district.pk in taken:
                problems.append(_("%(district)s has already been nominated.") % {"district": district.name})
            else:
                by_regency.setdefault(district.regency, []).append(district)
        for regency, chosen in by_regency.items():
            left = edition.nomination_quota - _used_places(edition, regency.pk)
            if len(chosen) > left:
                problems.append(
                    _("%(regency)s has %(left)d of its %(quota)d places left; %(chosen)d kecamatan were chosen.")
                    % {
                        "regency": regency.name,
                        "left": max(left, 0),
                        "quota": edition.nomination_quota,
                        "chosen": len(chosen),
                    }
                )
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        entered = [
            Participant.objects.create(
                edition=edition,
                district=district,
                nominated_by=by,
                entered_by_province=True,
                status=Participant.Status.ACCEPTED,
                decided_by=by,
                decided_at=now,
            )
            for chosen in by_regency.values()
            for district in chosen
        ]
        for participant in entered:
            notify_nomination_decided(participant)
        return entered


def withdraw(participant, by):
    """The regency admin withdraws its own nomination while nominations are open; the place is freed.

    The row stays, marked withdrawn with who and when (the kecamatan is not nominated again this edition).
    """
    district = participant.district
    if by.role != Role.REGENCY_ADMIN or not by.is_active or by.regency_id != district.regency_id:
        raise ValidationError(_("Only the admin of its own regency can withdraw a nomination."))
    with transaction.atomic():
        edition = _locked_edition(participant.edition)
        _require_open(edition)
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if not participant.is_active_nomination:
            raise ValidationError(_("Only a nomination that is awaiting a decision or accepted can be withdrawn."))
        participant.status = Participant.Status.WITHDRAWN
        participant.withdrawn_by = by
        participant.withdrawn_at = timezone.now()
        participant.save(update_fields=["status", "withdrawn_by", "withdrawn_at"])
        return participant


def decide(participant, accept, reason, by):
    """Accept or reject a nomination (a rejection needs a reason); the decision is recorded.

    A decision can be changed while nominations are open; turning a rejection into an acceptance
    must still fit the regency's quota. The regency admins and the kecamatan's accounts are told (once
    the transaction commits).
    """

    if not (by.is_superuser or is_edition_admin(by, participant.edition)):
        raise ValidationError(_("Only the province admin of this edition decides on nominations."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting this nomination.")})
    with transaction.atomic():
        edition = _locked_edition(participant.edition)
        _require_open(edition)
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.is_withdrawn:
            raise ValidationError(_("This nomination was withdrawn by its regency: there is nothing to decide."))
        if accept and participant.is_accepted:
            raise ValidationError(_("This nomination is accepted already."))
        if not accept and participant.is_rejected and participant.decision_reason == reason:
            raise ValidationError(_("This nomination is rejected already, for the same reason."))
        if accept and participant.is_rejected:
            if _used_places(edition, participant.district.regency_id) >= edition.nomination_quota:
                raise ValidationError(_("Accepting it would take the regency over its quota of nominations."))
        participant.status = Participant.Status.ACCEPTED if accept else Participant.Status.REJECTED
        participant.decision_reason = reason
        participant.decided_by = by
        participant.decided_at = timezone.now()
        participant.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        notify_nomination_decided(participant)
        return participant


def decide_many(edition, participants, accept, reason, by):
    """Accept or reject many nominations in one step; each goes through ``decide`` (and is recorded
    like a single decision). Returns (decided participants, [(participant, why refused)]): a refusal of
    one (withdrawn, over the quota) leaves the others decided."""
    if not (by.is_superuser or is_edition_admin(by, edition)):
        raise ValidationError(_("Only the province admin of this edition decides on nominations."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting these nominations.")})
    decided, refused = [], []
    with transaction.atomic():
        for participant in participants:
            if participant.edition_id != edition.pk:
                raise ValidationError(_("These nominations are not all of this edition."))
            try:
                decided.append(decide(participant, accept, reason, by))
            except ValidationError as error:
                refused.append((participant, " ".join(error.messages)))
    return decided, refused


def nominations_visible_to(user, edition):
    """The nominations a user sees: all for the province admin, its regency's own for a regency admin."""
    qs = (
        Participant.objects.filter(edition=edition)
        .select_related("district__regency", "nominated_by", "decided_by", "withdrawn_by")
        .order_by("district__regency__name", "district__name")
    )
    if user.is_superuser or user.role == Role.PROVINCE_ADMIN:
        return qs
    if user.role == Role.REGENCY_ADMIN:
        return qs.filter(district__regency_id=user.regency_id)
    return qs.none()


def nominable_districts(edition, regency):
    """The regency's kecamatan not yet nominated to the edition."""
    return District.objects.filter(regency=regency).exclude(participations__edition=edition).order_by("name")


def quota_left(edition, regency):
    return max(edition.nomination_quota - _used_places(edition, regency.pk), 0)


def regency_quotas(edition):
    """The regencies of the edition's province, each with ``used`` and ``left`` places (two queries)."""
    used = dict(
        Participant.objects.filter(edition=edition)
        .exclude(status__in=Participant.INACTIVE_STATUSES)
        .values_list("district__regency_id")
        .annotate(n=Count("pk"))
    )
    regencies = list(Regency.objects.filter(province_id=edition.province_id).order_by("name"))
    for regency in regencies:
        regency.used = used.get(regency.pk, 0)
        regency.left = max(edition.nomination_quota - regency.used, 0)
    return regencies


def enterable_districts(edition, regency):
    """The kecamatan the province admin may still enter for a regency of the edition's province."""
    if regency.province_id != edition.province_id:
        return District.objects.none()
    return nominable_districts(edition, regency)


def status_counts(edition):
    """How many nominations are awaiting a decision, accepted, rejected and withdrawn (one query)."""
    return Participant.objects.filter(edition=edition).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in Participant.Status}
    )
