"""What the publication keeps of the score history (its head hashes) and the replays run to verify results."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.editions import Edition
from assessments.models.runs import BackgroundRun
from assessments.models.sheets import ScoreSheet


class PublishedHistory(models.Model):
    """The score history as it stood when the edition was published: every sheet's head hash (the hash of its
    last ScoreChange row) and one root hash over them (``chain.root_hash``). A row changed, removed or added
    after publication changes a head, and so the root the public page showed."""

    edition = models.OneToOneField(Edition, models.CASCADE, related_name="published_history")
    root_hash = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(help_text="History rows of the edition at publication.")
    sheets = models.PositiveIntegerField(help_text="Sheets with at least one history row.")
    frozen_at = models.DateTimeField(auto_now_add=True)


class PublishedSheetHead(models.Model):
    history = models.ForeignKey(PublishedHistory, models.CASCADE, related_name="heads")
    sheet = models.ForeignKey(ScoreSheet, models.CASCADE, related_name="+")
    head_hash = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["history", "sheet"], name="published_sheet_head_unique")]


class ResultsVerification(BackgroundRun):
    """One replay of an edition's results from the score history (``domain.replay``), run by the background
    worker with its progress; its outcome and differences are kept for the province's and the public page."""

    edition = models.ForeignKey(Edition, models.CASCADE, related_name="verifications")
    matches = models.BooleanField(null=True, help_text="Empty until the replay has finished.")
    differences = models.JSONField(default=list, blank=True, help_text="The first differences found (at most 500).")
    difference_count = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0, help_text="History rows replayed.")
    root_hash = models.CharField(max_length=64, blank=True, help_text="The root hash of the history replayed.")
    published = models.BooleanField(default=False, help_text="Run on the published edition.")
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("results verification")
        verbose_name_plural = _("results verifications")
