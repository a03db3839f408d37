"""The objects a panel URL names (edition, stage, participant, sheet, document, job, evidence file,
stage advance), each looked up the one tenant-scoped way (``assessments.queries.lookups``).

An object of an edition the user may not see (another province's, above all) answers 404, before any
permission is asked: its existence is never confirmed, nothing is ever refused (403) about it. Inside
the user's own editions a permission refusal is a 403, except where a view says that a refusal must look
like absence too (``not_found_when_refused``: the evidence of another kecamatan). An anonymous visitor
is sent to the login page whether the object exists or not.

Each mixin is listed before ``PermissionRequiredMixin``; ``permission_object`` names the looked-up
attribute the view's permission is checked against (the edition unless said otherwise). Objects below
these (an aspect of the stage, a category of the edition...) are looked up inside their visible parent.
Public pages (results, verification, the API) keep their own published-only lookup.
"""

from django.http import Http404
from django.utils.functional import cached_property

from assessments.models import (
    Document,
    DocumentJob,
    Edition,
    EvidenceFile,
    Participant,
    ScoreSheet,
    Stage,
    StageAdvance,
)
from assessments.queries.lookups import visible_object_or_404


class EditionObjectMixin:
    """The common part: the lookup itself, the permission object, 404 before 403, login for strangers."""

    # The attribute (a looked-up object) the permission is checked against.
    permission_object = "edition"
    # Pages the public sees once the results are published: any published edition is found too.
    public_when_published = False
    # A refused signed-in user gets 404 rather than 403 (nothing of another kecamatan is confirmed).
    not_found_when_refused = False

    def find(self, queryset, **lookup):
        """The object of ``queryset`` matching ``lookup``, if the user may see its edition (else 404)."""
        return visible_object_or_404(
            self.request.user, queryset, public_when_published=self.public_when_published, **lookup
        )

    def get_permission_object(self):
        return getattr(self, self.permission_object)

    def has_permission(self):
        try:
            return super().has_permission()
        except Http404:
            if self.request.user.is_authenticated:
                raise
            return False  # anonymous: to the login page, whether the object exists or not

    def handle_no_permission(self):
        if self.not_found_when_refused and self.request.user.is_authenticated:
            raise Http404
        return super().handle_no_permission()


class EditionMixin(EditionObjectMixin):
    """The edition of ``edition_pk``; pages have it in their context as ``edition``."""

    @cached_property
    def edition(self):
        return self.find(Edition.objects.select_related("province", "copied_from"), pk=self.kwargs["edition_pk"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("edition", self.edition)
        return super().get_context_data(**kwargs)


class StageMixin(EditionObjectMixin):
    """The stage of ``stage_pk`` (of the edition of ``edition_pk`` when the URL names one too)."""

    permission_object = "stage"

    @cached_property
    def stage(self):
        stages = Stage.objects.select_related("edition__province", "edition__copied_from")
        if "edition_pk" in self.kwargs:
            stages = stages.filter(edition_id=self.kwargs["edition_pk"])
        return self.find(stages, pk=self.kwargs["stage_pk"])

    @cached_property
    def edition(self):
        return self.stage.edition


class ParticipantMixin(EditionObjectMixin):
    """The participant of ``participant_pk``."""

    permission_object = "participant"

    def get_participants(self):
        """The participants the URL may name (a view narrows them, e.g. to the accepted ones)."""
        return Participant.objects.select_related("edition__province", "district__regency")

    @cached_property
    def participant(self):
        return self.find(self.get_participants(), pk=self.kwargs["participant_pk"])

    @cached_property
    def edition(self):
        return self.participant.edition


class SheetMixin(EditionObjectMixin):
    """The score sheet of ``sheet_pk``."""

    permission_object = "sheet"

    @cached_property
    def sheet(self):
        sheets = ScoreSheet.objects.select_related(
            "stage__edition__province", "participant__district__regency", "assessor"
        )
        return self.find(sheets, pk=self.kwargs["sheet_pk"])

    @cached_property
    def edition(self):
        return self.sheet.stage.edition


class EvidenceFileMixin(EditionObjectMixin):
    """The evidence file of ``token`` (its participant is ``participant``)."""

    permission_object = "evidence"

    @cached_property
    def evidence(self):
        files = EvidenceFile.objects.select_related(
            "participant__edition__province", "participant__district__regency", "indicator__aspect__stage"
        )
        return self.find(files, token=self.kwargs["token"])

    @property
    def participant(self):
        return self.evidence.participant

    @cached_property
    def edition(self):
        return self.participant.edition


class StageAdvanceMixin(EditionObjectMixin):
    """The stage advance (top N passed on) of ``advance_pk``; the permission object is its edition."""

    @cached_property
    def advance(self):
        return self.find(StageAdvance.objects.select_related("from_stage__edition"), pk=self.kwargs["advance_pk"])

    @cached_property
    def edition(self):
        return self.advance.from_stage.edition


class DocumentMixin(EditionObjectMixin):
    """The issued document of ``pk``; the permission object is its edition."""

    @cached_property
    def document(self):
        return self.find(Document.objects.select_related("edition__province"), pk=self.kwargs["pk"])

    @cached_property
    def edition(self):
        return self.document.edition


class DocumentJobMixin(EditionObjectMixin):
    """The background document job of ``pk``; the permission object is its edition."""

    @cached_property
    def job(self):
        return self.find(DocumentJob.objects.select_related("edition__province"), pk=self.kwargs["pk"])

    @cached_property
    def edition(self):
        return self.job.edition
