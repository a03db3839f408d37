"""Award categories, confirmed awards and the results frozen at publication."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.editions import Edition, Stage
from assessments.models.participation import Participant


class AwardCategory(models.Model):
    """An award of an edition: by default Juara I, II, III, Harapan I, II (ranks 1–5 of the final ranking).

    A category with a ``rank`` goes to the participant at that place of the final ranking; one without
    (a special award such as "Inovasi terbaik") is given by the panel's choice.
    """

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="award_categories", verbose_name=_("edition"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. Juara I or Juara Harapan I."))
    rank = models.PositiveSmallIntegerField(
        _("place in the final ranking"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty for a special award chosen by the panel."),
    )

    class Meta:
        ordering = ["edition", "order"]
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")
        constraints = [
            models.UniqueConstraint(fields=["edition", "order"], name="award_category_order_unique"),
            models.UniqueConstraint(
                fields=["edition", "rank"], condition=Q(rank__isnull=False), name="award_category_rank_unique"
            ),
        ]

    def __str__(self):
        return self.name


class Award(models.Model):
    """An award given to a participant, confirmed by the province admin.

    The final score is kept as it was at confirmation: the decree and certificates print this figure,
    and a later change to the scores must show as a difference, not silently rewrite a signed document.
    """

    category = models.OneToOneField(AwardCategory, models.CASCADE, related_name="award", verbose_name=_("award"))
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="awards", verbose_name=_("participant"))
    final_score = models.DecimalField(_("final score"), max_digits=7, decimal_places=2, null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Set when the admin chose the participant (a tie at the category's place, or a special award):
    # such a choice is not the ranking's and must say who made it and why.
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True, blank=True)
    chosen_at = models.DateTimeField(_("chosen"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["category__edition", "category__order"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False), name="award_confirmed_by_whom"
            ),
            models.CheckConstraint(
                condition=Q(chosen_at__isnull=True) | (Q(chosen_by__isnull=False) & ~Q(reason="")),
                name="award_choice_by_whom_why",
            ),
        ]

    def __str__(self):
        return f"{self.category} — {self.participant}"


class AwardWithdrawal(models.Model):
    """Append-only record of a confirmation of the awards that was withdrawn: by whom, when and why.

    Withdrawn by the admin, or by the portal itself when a write changed the ranking the awards were
    confirmed from (a sheet reopened, an advance reverted, a conflict declared...): the admin sees why.
    """

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="award_withdrawals", verbose_name=_("edition"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("withdrawn"), auto_now_add=True)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["edition", "-at", "-pk"]
        verbose_name = _("withdrawn award confirmation")
        verbose_name_plural = _("withdrawn award confirmations")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="award_withdrawal_has_reason")]

    def __str__(self):
        return f"{self.edition} · {self.at:%Y-%m-%d %H:%M}"


class PublishedResult(models.Model):
    """A participant's line of the final ranking, frozen when the edition is published.

    Once PUBLISHED nothing of the edition moves any more; the public pages, the kecamatan pages, the
    CSV/Excel downloads and the API all read these rows, so they show the same figures and cost a
    fixed number of queries (the live ranking is one heavy SQL statement per edition).
    """

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="published_results")
    participant = models.OneToOneField(Participant, models.CASCADE, related_name="published_result")
    position = models.PositiveSmallIntegerField(help_text="Place in the ranking's order (unranked ones last).")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    shared = models.BooleanField(default=False, help_text="The rank is shared with another participant (a tie).")
    final_score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        constraints = [
            models.UniqueConstraint(fields=["edition", "position"], name="published_result_position_unique"),
        ]


class PublishedStageScore(models.Model):
    result = models.ForeignKey(PublishedResult, models.CASCADE, related_name="stage_scores")
    stage = models.ForeignKey(Stage, models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["result", "stage__order"]
        constraints = [models.UniqueConstraint(fields=["result", "stage"], name="published_stage_score_unique")]


# --- documents: the governor's decree, certificates, recaps, champion reports ------------------
