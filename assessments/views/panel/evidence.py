"""Evidence (data dukung) pages: the kecamatan's checklist and uploads, downloads, deadline extensions.

Entries and files are looked up the tenant-scoped way (``assessments.views.lookups``); on top of that,
anything refused to a signed-in user answers 404, so that another kecamatan cannot even learn that an
entry or a file exists; anonymous visitors are sent to the login page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView, View

from assessments.domain import evidence as services
from assessments.forms.evidence import (
    ExtendForm,
    PresentedInnovationsForm,
    ReplaceForm,
    SubmitForm,
    UpdateForm,
    UploadForm,
)
from assessments.models import EntryEvent, Indicator, StageEntry
from assessments.views import lookups
from assessments.views.lookups import StageMixin
from sp2k.permissions import PermissionRequiredMixin


def _text(error):
    return " ".join(error.messages)


def _is_xhr(request):
    return request.headers.get("x-requested-with") == "XMLHttpRequest"


class ParticipantMixin(lookups.ParticipantMixin):
    # Refused signed-in users get 404 (not 403), so nothing of another kecamatan is confirmed.
    not_found_when_refused = True

    def get_participants(self):
        return super().get_participants().select_related("submission")

    def back(self):
        return redirect("assessments:evidence_checklist", self.participant.pk)


class FileMixin(lookups.EvidenceFileMixin):
    not_found_when_refused = True

    def back(self):
        return redirect("assessments:evidence_checklist", self.evidence.participant_id)


class SizeLimitUploadHandler(FileUploadHandler):
    """Drop a file as soon as more than the edition's limit has arrived, and remember its name.

    First in the chain, so an oversized file is neither kept in memory nor written out in full.
    """

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.oversized = []
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.oversized.append(services.clean_original_name(self.file_name))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class UploadViewMixin:
    """Install the size limit before the request body is read, then check CSRF as usual.

    CSRF middleware would read the body (with the default handlers) before the view could add its
    own handler; so the view is exempted from the middleware and protected here instead.

    Outside the request's transaction (``non_atomic_requests``): a slow upload is received and checked
    holding no transaction (on SQLite it would hold the write lock and stop everyone's saves); the
    domain function writes its rows in its own transaction.
    """

    limit_handler = None

    def dispatch(self, request, *args, **kwargs):
        # Refuse strangers before their upload is read at all.
        if not self.has_permission():
            return self.handle_no_permission()
        if request.method == "POST":
            limit = services.max_bytes(self.participant.edition)
            length = request.META.get("CONTENT_LENGTH") or "0"
            try:
                length = int(length)
            except ValueError:
                length = 0
            # The whole request can never be larger than every file at its limit plus the form fields.
            if length > self.max_files * limit + 1024 * 1024:
                return self.too_large(limit)
            self.limit_handler = SizeLimitUploadHandler(request, limit)
            request.upload_handlers.insert(0, self.limit_handler)
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def too_large(self, limit):
        message = _("The upload is too large: each file may be at most %(max)s.") % {"max": services.human_size(limit)}
        if _is_xhr(self.request):
            return JsonResponse({"error": message}, status=413)
        messages.error(self.request, message)
        return self.back()

    def oversized_messages(self):
        limit = services.human_size(services.max_bytes(self.participant.edition))
        return [
            _("“%(name)s”: the file is larger than %(max)s.") % {"name": name, "max": limit}
            for name in (self.limit_handler.oversized if self.limit_handler else [])
        ]

    def done(self, fragment="", error=None):
        url = reverse("assessments:evidence_checklist", args=[self.participant.pk]) + fragment
        if _is_xhr(self.request):
            if error:
                return JsonResponse({"redirect": url, "error": error}, status=400)
            return JsonResponse({"redirect": url})
        return redirect(url)


class MyEvidenceView(PermissionRequiredMixin, TemplateView):
    """The kecamatan's entries, each leading to its checklist."""

    permission_required = "assessments.view_my_evidence"
    template_name = "assessments/evidence/my_entries.html"

    def get_context_data(self, **kwargs):
        entries = list(services.participations_of(self.request.user))
        return super().get_context_data(entries=entries, **kwargs)


class ChecklistView(ParticipantMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_evidence"
    template_name = "assessments/evidence/checklist.html"

    def get_context_data(self, **kwargs):
        participant = self.participant
        user = self.request.user
        status = services.entry_status(participant)
        can_change = user.has_perm("assessments.change_evidence", participant) and status.editable
        can_extend = user.has_perm("assessments.extend_evidence_deadline", participant)
        data = services.checklist(participant)
        innovations_form = PresentedInnovationsForm(participant=participant) if can_change else None
        if innovations_form is not None and not innovations_form.fields["innovations"].queryset.exists():
            innovations_form = None  # nothing to choose yet: the page says where to register them
        return super().get_context_data(
            participant=participant,
            edition=participant.edition,
            status=status,
            checklist=data,
            percent=round(100 * data["done"] / data["total"]) if data["total"] else 100,
            can_change=can_change,
            can_extend=can_extend,
            is_own=user.has_perm("assessments.change_evidence", participant),
            upload_form=UploadForm() if can_change else None,
            innovations_form=innovations_form,
            can_choose_innovations=can_change,
            presented=list(participant.presented_innovations.order_by("name")),
            extend_form=ExtendForm() if can_extend else None,
            events=list(EntryEvent.objects.filter(participant=participant).select_related("by")),
            max_bytes=services.max_bytes(participant.edition),
            max_size=services.human_size(services.max_bytes(participant.edition)),
            max_files=services.MAX_FILES_PER_UPLOAD,
            accept=services.ACCEPT,
            **kwargs,
        )


class UploadView(ParticipantMixin, UploadViewMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.change_evidence"
    http_method_names = ["post"]
    max_files = services.MAX_FILES_PER_UPLOAD

    def post(self, request, participant_pk, indicator_pk):
        participant = self.participant
        indicator = get_object_or_404(
            Indicator.objects.select_related("aspect__stage"),
            pk=indicator_pk,
            aspect__stage__edition=participant.edition,
            requires_evidence=True,
        )
        form = UploadForm(request.POST, request.FILES)
        errors = self.oversized_messages()
        stored = []
        if form.is_valid():
            try:
                stored, refused = services.add_files(
                    participant, indicator, form.cleaned_data["files"], form.cleaned_data["caption"], request.user
                )
                errors += [_("“%(name)s”: %(message)s") % {"name": n, "message": m} for n, m in refused]
            except ValidationError as error:
                errors.append(_text(error))
        elif not errors:
            # (When every file was too large, the size message already says what was wrong.)
            errors += [_text(e) for field in form.errors.as_data().values() for e in field]
        if stored:
            names = ", ".join(f"“{f.original_name}”" for f in stored)
            messages.success(
                request, _("Uploaded for “%(indicator)s”: %(names)s.") % {"indicator": indicator.name, "names": names}
            )
        for error in errors:
            messages.error(request, error)
        if _is_xhr(request) and errors and not stored:
            return self.done(error=" ".join(errors))
        # With an error, land at the top where the messages are; otherwise back at the indicator.
        return self.done("" if errors else f"#indicator-{indicator.pk}")


class ReplaceView(FileMixin, UploadViewMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.change_evidence"
    http_method_names = ["post"]
    max_files = 1

    def post(self, request, token):
        form = ReplaceForm(request.POST, request.FILES)
        errors = self.oversized_messages()
        if not errors:
            if form.is_valid():
                try:
                    new = services.replace_file(
                        self.evidence, form.cleaned_data["file"], form.cleaned_data["caption"], request.user
                    )
                    messages.success(
                        request, _("“%(name)s” is now the current version; the earlier one is kept.") % {"name": new}
                    )
                except ValidationError as error:
                    errors.append(
                        _("“%(name)s”: %(message)s")
                        % {
                            "name": services.clean_original_name(form.cleaned_data["file"].name),
                            "message": _text(error),
                        }
                    )
            else:
                errors += [_text(e) for field in form.errors.as_data().values() for e in field]
        for error in errors:
            messages.error(request, error)
        if _is_xhr(request) and errors:
            return self.done(error=" ".join(errors))
        return self.done("" if errors else f"#indicator-{self.evidence.indicator_id}")


class UpdateView(FileMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.change_evidence"
    http_method_names = ["post"]

    def post(self, request, token):
        form = UpdateForm(request.POST)
        if form.is_valid():
            try:
                services.update_file(
                    self.evidence, form.cleaned_data["caption"], form.cleaned_data["is_public"], request.user
                )
                messages.success(request, _("The file's details were saved."))
            except ValidationError as error:
                messages.error(request, _text(error))
        else:
            messages.error(request, _("The caption is too long."))
        return redirect(
            reverse("assessments:evidence_checklist", args=[self.participant.pk])
            + f"#indicator-{self.evidence.indicator_id}"
        )


class WithdrawView(FileMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.change_evidence"
    http_method_names = ["post"]

    def post(self, request, token):
        try:
            services.withdraw_file(self.evidence, request.user)
            messages.success(
                request,
                _("“%(name)s” was withdrawn. It stays in the history below the indicator.") % {"name": self.evidence},
            )
        except ValidationError as error:
            messages.error(request, _text(error))
        return redirect(
            reverse("assessments:evidence_checklist", args=[self.participant.pk])
            + f"#indicator-{self.evidence.indicator_id}"
        )


class SubmitView(ParticipantMixin, PermissionRequiredMixin, TemplateView):
    """ "Kirim": a confirmation page (what is missing, if anything), then the POST that locks the entry."""

    permission_required = "assessments.change_evidence"
    template_name = "assessments/evidence/submit.html"

    def get_context_data(self, form=None, **kwargs):
        participant = self.participant
        return super().get_context_data(
            participant=participant,
            edition=participant.edition,
            status=services.entry_status(participant),
            missing=services.missing_indicators(participant),
            form=form or SubmitForm(),
            **kwargs,
        )

    def post(self, request, participant_pk):
        form = SubmitForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.submit_entry(self.participant, request.user)
        except ValidationError as error:
            messages.error(request, _text(error))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("The evidence was sent. The assessors can now rely on it."))
        return self.back()


class PresentedInnovationsView(ParticipantMixin, PermissionRequiredMixin, View):
    """The kecamatan picks which of its innovations the entry presents."""

    permission_required = "assessments.change_evidence"
    http_method_names = ["post"]

    def post(self, request, participant_pk):
        form = PresentedInnovationsForm(request.POST, participant=self.participant)
        if not form.is_valid():
            messages.error(request, _("Choose among the kecamatan's own innovations."))
            return self.back()
        try:
            chosen = services.choose_innovations(self.participant, form.cleaned_data["innovations"], request.user)
        except ValidationError as error:
            messages.error(request, _text(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d innovation is presented in this competition.",
                    "%(count)d innovations are presented in this competition.",
                    len(chosen),
                )
                % {"count": len(chosen)},
            )
        return self.back()


class ExtendView(ParticipantMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.extend_evidence_deadline"
    http_method_names = ["post"]

    def post(self, request, participant_pk):
        form = ExtendForm(request.POST)
        if form.is_valid():
            try:
                services.extend_deadline(
                    self.participant, form.cleaned_data["until"], request.user, form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("%(district)s may change its evidence until the new deadline.")
                    % {"district": self.participant.district.name},
                )
            except ValidationError as error:
                messages.error(request, _text(error))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return self.back()


def _guarded(response):
    """A stored file's answer: never sniffed, never run (a sandbox without any source), never kept."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


class DownloadView(FileMixin, PermissionRequiredMixin, View):
    """Serve a file only through the permission check, as an attachment that is never run or sniffed."""

    permission_required = "assessments.download_evidence"
    http_method_names = ["get", "head"]
    public_when_published = True  # a file marked public, once the results are published: for everyone
    inline = False  # shown in the page (images only) rather than saved

    def get(self, request, token):
        evidence = self.evidence
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError) as error:
            raise Http404 from error
        response = FileResponse(
            handle,
            as_attachment=not (self.inline and services.is_image(evidence)),
            filename=services.download_name(evidence),
            content_type=services.KINDS[evidence.kind][0],  # the type found in the content at upload
        )
        return _guarded(response)


class InlineView(DownloadView):
    """The same file, same permission, shown in the page when it is an image (JPEG, PNG: the type was
    decided from the content at upload); any other file is still an attachment."""

    inline = True


class PreviewView(FileMixin, PermissionRequiredMixin, TemplateView):
    """A PDF's pages as pictures rendered on the server (the first ``PREVIEW_MAX_PAGES``), with the download.

    The PDF itself is never opened in the portal's origin: the browser only receives PNG images.
    """

    permission_required = "assessments.download_evidence"
    public_when_published = True
    template_name = "assessments/evidence/preview.html"

    def get_context_data(self, **kwargs):
        evidence = self.evidence
        if not services.is_pdf(evidence):
            raise Http404
        try:
            previewed, total = services.preview_pages(evidence)
        except services.PreviewUnavailable:
            previewed, total = 0, None
        return super().get_context_data(
            evidence=evidence,
            participant=evidence.participant,
            pages=range(1, previewed + 1),
            total=total,
            more=total is not None and total > previewed,
            **kwargs,
        )


class PageView(FileMixin, PermissionRequiredMixin, View):
    """One page of a PDF as a PNG rendered on the server (kept, so each page renders once)."""

    permission_required = "assessments.download_evidence"
    public_when_published = True
    http_method_names = ["get", "head"]

    def get(self, request, token, page):
        evidence = self.evidence
        try:
            name = services.render_pdf_page(evidence, page)
            handle = evidence.file.storage.open(name, "rb")
        except (services.PreviewUnavailable, FileNotFoundError, OSError) as error:
            raise Http404 from error
        return _guarded(FileResponse(handle, content_type="image/png"))


class StageZipView(StageMixin, PermissionRequiredMixin, View):
    """A kecamatan's current evidence for a stage as one zip, streamed from storage.

    For the assessors of that kecamatan at the stage (without a conflict) and the province admin; a
    refusal looks like absence (404), as for the files themselves.
    """

    permission_required = "assessments.download_stage_evidence"
    permission_object = "entry"
    not_found_when_refused = True
    http_method_names = ["get", "head"]

    @cached_property
    def entry(self):
        return get_object_or_404(
            StageEntry.objects.select_related("participant__district", "stage__edition"),
            stage=self.stage,
            participant_id=self.kwargs["participant_pk"],
        )

    def get(self, request, stage_pk, participant_pk):
        participant, stage = self.entry.participant, self.entry.stage
        entries, index = services.zip_entries(participant, stage)
        response = StreamingHttpResponse(services.stream_zip(entries, index), content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(True, services.zip_name(participant, stage))
        return _guarded(response)
