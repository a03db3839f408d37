"""Criteria open for comment: the province publishes an edition's draft criteria for comment before the
edition opens, its regencies and kecamatan comment per indicator, the province reads them and closes.

The rules, enforced here for every path (pages, admin, commands):
- a round is opened only on a draft edition with criteria, by its province admin, closing today or later;
  at most one round of an edition is open at a time (the database says so too);
- comments are written and changed only while the round is open (not closed, not past its last day,
  the edition still a draft), by the active regency admins, camats and kecamatan operators of the
  edition's province, on the edition's own indicators, one per indicator and account, at most
  ``COMMENT_MAX_LENGTH`` characters (a blank comment removes the account's comment);
- only the province admin closes a round.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import COMMENT_MAX_LENGTH, CommentRound, CriterionComment, Edition, Indicator
from assessments.rules import is_edition_admin, is_edition_commenter
from sp2k.accounts.models import DISTRICT_ROLES, Role, User
from sp2k.notices.models import Notice
from sp2k.notices.services import notify_on_commit

COMMENTER_ROLES = (Role.REGENCY_ADMIN, *DISTRICT_ROLES)


def _require_admin(edition, by):
    if not (by.is_superuser or is_edition_admin(by, edition)):
        raise ValidationError(_("Only the province admin of this edition opens and closes comment rounds."))


def open_round(edition, closes_on, by, note=""):
    """Publish the edition's draft criteria for comment until ``closes_on`` (inclusive); returns the round.

    The regency admins, camats and kecamatan operators of the province are told (in the portal and by
    e-mail) once the round is saved.
    """
    _require_admin(edition, by)
    note = (note or "").strip()
    if len(note) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the invitation under %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}}
        )
    if closes_on is None or closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The last day for comments cannot be in the past.")})
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if not edition.is_draft:
            raise ValidationError(_("Only the criteria of a draft edition can be opened for comment."))
        if not Indicator.objects.filter(aspect__stage__edition=edition).exists():
            raise ValidationError(_("The edition has no indicator to comment on yet."))
        if CommentRound.objects.filter(edition=edition, closed_at__isnull=True).exists():
            raise ValidationError(_("The criteria are already open for comment: close that round first."))
        round_ = CommentRound.objects.create(edition=edition, closes_on=closes_on, note=note, opened_by=by)
        notify_round_opened(round_)
    return round_


def close_round(round_, by):
    """Close the round: no comment is written or changed any more (the comments stay)."""
    _require_admin(round_.edition, by)
    with transaction.atomic():
        round_ = CommentRound.objects.select_for_update().get(pk=round_.pk)
        if round_.closed_at is not None:
            raise ValidationError(_("This comment round is already closed."))
        round_.closed_at = timezone.now()
        round_.closed_by = by
        round_.save(update_fields=["closed_at", "closed_by"])
    return round_


def round_recipients(edition):
    """Who is invited to comment: the active regency admins, camats and operators of the province."""
    return User.objects.in_province(edition.province_id).filter(role__in=COMMENTER_ROLES, is_active=True)


def notify_round_opened(round_):
    """Tell the province's regency admins, camats and operators, once the round is committed."""
    edition = round_.edition
    notify_on_commit(
        round_recipients(edition),
        Notice.Kind.CRITERIA_COMMENTS,
        format_lazy(gettext_lazy("The criteria of {edition} are open for comment"), edition=edition.name),
        format_lazy(
            gettext_lazy(
                "The province invites your comments on the draft indicators of {edition}, one per indicator, "
                "until {date}."
            ),
            edition=edition.name,
            date=round_.closes_on.isoformat(),
        ),
        reverse("assessments:criteria_comments", args=[edition.pk]),
    )


def closed_message(round_):
    """Why the round takes no comment any more, for the person who tried (closed, past its day, opened)."""
    if round_.closed_at is not None:
        return _(
            "The province closed this comment round on %(date)s: comments can no longer be written or changed."
        ) % {"date": formats.date_format(timezone.localtime(round_.closed_at).date())}
    if timezone.localdate() > round_.closes_on:
        return _(
            "Comments were accepted until %(date)s: this comment round is closed, comments can no longer be "
            "written or changed."
        ) % {"date": formats.date_format(round_.closes_on)}
    return _("The competition has opened: this comment round is closed, comments can no longer be written or changed.")


def can_comment(user, edition):
    """The account may comment on the edition's criteria (its role and province; the round aside)."""
    return bool(user.is_authenticated and is_edition_commenter(user, edition))


def _scope(author):
    if author.role == Role.REGENCY_ADMIN:
        return author.regency_id, None
    return author.district.regency_id, author.district_id


def save_comments(round_, author, texts):
    """Write the author's comments of the round: ``texts`` maps indicator pks to texts.

    A text equal to the stored one changes nothing; a blank text removes the author's comment. All or
    nothing: any refused comment refuses the whole batch (the messages name the indicators). Returns
    the number of comments written, changed or removed.
    """
    edition = round_.edition
    if not can_comment(author, edition):
        raise ValidationError(
            _("Only the regency admins and kecamatan accounts of the edition's province comment on its criteria.")
        )
    cleaned = {int(pk): (text or "").strip() for pk, text in texts.items()}
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(aspect__stage__edition=edition, pk__in=cleaned)
    }
    errors = []
    for pk, text in cleaned.items():
        if pk not in indicators:
            errors.append(_("This indicator is not one of the edition's criteria."))
        elif len(text) > COMMENT_MAX_LENGTH:
            errors.append(
                _("The comment on “%(indicator)s” is longer than %(max)d characters.")
                % {"indicator": indicators[pk].name, "max": COMMENT_MAX_LENGTH}
            )
    if errors:
        raise ValidationError(errors)
    regency_id, district_id = _scope(author)
    changed = 0
    with transaction.atomic():
        round_ = CommentRound.objects.select_for_update().select_related("edition").get(pk=round_.pk)
        if round_.is_closed:
            raise ValidationError(closed_message(round_))
        existing = {
            comment.indicator_id: comment
            for comment in CriterionComment.objects.filter(round=round_, author=author, indicator_id__in=cleaned)
        }
        for pk, text in cleaned.items():
            comment = existing.get(pk)
            if comment is None and text:
                CriterionComment.objects.create(
                    round=round_,
                    indicator_id=pk,
                    author=author,
                    regency_id=regency_id,
                    district_id=district_id,
                    text=text,
                )
            elif comment is not None and not text:
                comment.delete()
            elif comment is not None and comment.text != text:
                comment.text = text
                comment.save(update_fields=["text", "updated_at"])
            else:
                continue
            changed += 1
    return changed
