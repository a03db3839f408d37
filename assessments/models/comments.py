"""Criteria open for comment: before an edition opens, the province asks its regencies and kecamatan to
comment on the draft indicators (a comment round with a closing date; one comment per indicator and
account, editable while the round is open)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.criteria import Indicator
from assessments.models.editions import Edition

COMMENT_MAX_LENGTH = 2000


class CommentRound(models.Model):
    """One invitation to comment on an edition's draft criteria, from its opening to its closing."""

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="comment_rounds", verbose_name=_("edition"))
    closes_on = models.DateField(_("comments until"), help_text=_("The last day comments are accepted."))
    note = models.TextField(_("invitation"), blank=True, max_length=COMMENT_MAX_LENGTH)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["edition", "-opened_at", "-pk"]
        verbose_name = _("comment round on the criteria")
        verbose_name_plural = _("comment rounds on the criteria")
        constraints = [
            # At most one round of an edition is open (not closed) at a time.
            models.UniqueConstraint(
                fields=["edition"], condition=Q(closed_at__isnull=True), name="comment_round_one_open_per_edition"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, closed_by__isnull=True)
                | Q(closed_at__isnull=False, closed_by__isnull=False),
                name="comment_round_closed_by_whom",
            ),
        ]

    def __str__(self):
        return f"{self.edition} · {self.closes_on}"

    @property
    def is_closed(self):
        """Closed by the province, past its last day, or the edition is no longer a draft."""
        return self.closed_at is not None or timezone.localdate() > self.closes_on or not self.edition.is_draft

    @property
    def is_open(self):
        """Comments may be written and changed."""
        return not self.is_closed


class CriterionComment(models.Model):
    """One account's comment on one indicator in one round (the regency or kecamatan it spoke for kept)."""

    round = models.ForeignKey(CommentRound, models.CASCADE, related_name="comments", verbose_name=_("round"))
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="draft_comments", verbose_name=_("indicator"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    regency = models.ForeignKey(
        "districts.Regency", models.PROTECT, related_name="+", verbose_name=_("regency or city")
    )
    district = models.ForeignKey(
        "districts.District", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kecamatan")
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["round", "indicator", "created_at", "pk"]
        verbose_name = _("comment on an indicator")
        verbose_name_plural = _("comments on indicators")
        constraints = [
            models.UniqueConstraint(fields=["round", "indicator", "author"], name="criterion_comment_one_per_author"),
            models.CheckConstraint(
                condition=Q(GreaterThan(Length("text"), 0), LessThanOrEqual(Length("text"), COMMENT_MAX_LENGTH)),
                name="criterion_comment_length",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} · {self.author}"
