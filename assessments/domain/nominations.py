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

from assessments.models import Edition, Participant
from assessments.rules import is_edition_admin
from districts.models import District
from sp2k.accounts.models import Role


def _require_open(edition):
    if not edition.nominations_open:
        raise ValidationError(_("Nominations for %(edition)s are not open.") % {"edition": edition})


def _locked_edition(edition):
    # Serialises nominations of one edition, so that two admins cannot both fill the last quota place.
    return Edition.objects.select_for_update().get(pk=edition.pk)


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
        used = (
            Participant.objects.filter(edition=edition, district__regency_id=district.regency_id)
            .exclude(status=Participant.Status.REJECTED)
            .count()
        )
        if used >= edition.nomination_quota:
            raise ValidationError(
                _("Your regency has used its quota of %(quota)d nominations.") % {"quota": edition.nomination_quota}
            )
        return Participant.objects.create(edition=edition, district=district, nominated_by=by)


def decide(participant, accept, reason, by):
    """Accept or reject a nomination (a rejection needs a reason); the decision is recorded.

    A decision can be changed while nominations are open; turning a rejection into an acceptance
    must still fit the regency's quota.
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
        if accept and participant.status == Participant.Status.REJECTED:
            others = (
                Participant.objects.filter(edition=edition, district__regency_id=participant.district.regency_id)
                .exclude(status=Participant.Status.REJECTED)
                .count()
            )
            if others >= edition.nomination_quota:
                raise ValidationError(_("Accepting it would take the regency over its quota of nominations."))
        participant.status = Participant.Status.ACCEPTED if accept else Participant.Status.REJECTED
        participant.decision_reason = reason
        participant.decided_by = by
        participant.decided_at = timezone.now()
        participant.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        return participant


def nominations_visible_to(user, edition):
    """The nominations a user sees: all for the province admin, its regency's own for a regency admin."""
    qs = (
        Participant.objects.filter(edition=edition)
        .select_related("district__regency", "nominated_by", "decided_by")
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
    used = (
        Participant.objects.filter(edition=edition, district__regency=regency)
        .exclude(status=Participant.Status.REJECTED)
        .count()
    )
    return max(edition.nomination_quota - used, 0)


def status_counts(edition):
    """How many nominations are awaiting a decision, accepted and rejected (one query)."""
    return Participant.objects.filter(edition=edition).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in Participant.Status}
    )
