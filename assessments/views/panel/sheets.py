"""Score entry screens: my sheets, one sheet (saving itself field by field), progress, history, Excel."""

import hashlib
import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView, View

from assessments.domain import scoring
from assessments.domain.conflicts import has_conflict
from assessments.domain.spreadsheets import (
    CLEAR_MARK,
    MAX_UPLOAD_BYTES,
    apply_changes,
    build_workbook,
    check_upload,
    instructions,
)
from assessments.forms.sheets import ExcelUploadForm, ReopenForm, ScoreSaveForm
from assessments.models import Assignment, Participant, ScoreChange, ScoreSheet, SheetEvent
from assessments.queries import sheets
from assessments.views import lookups
from assessments.views.lookups import ParticipantMixin, StageMixin
from sp2k import client_address
from sp2k.paging import paginate
from sp2k.permissions import PermissionRequiredMixin
from sp2k.uploads import UploadLimitMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_ip(request):
    """The assessor's address for the score history, behind the declared proxies (sp2k.client_address)."""
    return client_address.client_ip(request)


class MySheetsView(PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_my_sheets"
    template_name = "assessments/sheets/my_sheets.html"

    def get_context_data(self, **kwargs):
        paged = paginate(self.request, sheets.assessor_assignments(self.request.user))
        return super().get_context_data(rows=paged["page_obj"].object_list, **paged, **kwargs)


class StageParticipantMixin(StageMixin):
    """The stage and, within its edition, the participant named in the URL; the permission object is the stage."""

    @cached_property
    def participant(self):
        return get_object_or_404(
            Participant.objects.select_related("district__regency"),
            pk=self.kwargs["participant_pk"],
            edition_id=self.stage.edition_id,
        )


class SheetOpenView(StageParticipantMixin, PermissionRequiredMixin, TemplateView):
    """Start (or go back to) the assessor's sheet for a participant; starting is a POST."""

    permission_required = "assessments.open_sheet"
    template_name = "assessments/sheets/open.html"

    def get(self, request, *args, **kwargs):
        existing = ScoreSheet.objects.filter(
            stage=self.stage, participant=self.participant, assessor=request.user
        ).first()
        if existing is not None:
            return redirect("assessments:sheet", sheet_pk=existing.pk)
        # The stage perm only says "assessor of this stage"; the offer to start must not reach an
        # assessor whom open_sheet() would refuse (not assigned to this participant, or in conflict).
        assigned = Assignment.objects.filter(stage=self.stage, participant=self.participant, assessor=request.user)
        if not assigned.exists() or has_conflict(request.user, self.participant):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        sheet = scoring.open_sheet(self.stage, self.participant, request.user)
        return redirect("assessments:sheet", sheet_pk=sheet.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(stage=self.stage, participant=self.participant, **kwargs)


class SheetMixin(lookups.SheetMixin):
    """The sheet named in the URL, with what its pages show (listed before PermissionRequiredMixin)."""

    def can_edit(self):
        return (
            self.request.user.has_perm("assessments.score_sheet", self.sheet)
            and not self.sheet.is_submitted
            and self.sheet.stage.edition.scoring_open
        )


class SheetView(SheetMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_sheet"
    template_name = "assessments/sheets/sheet.html"

    def get_context_data(self, **kwargs):
        sheet = self.sheet
        user = self.request.user
        can_reopen = (
            user.has_perm("assessments.reopen_sheet", sheet) and sheet.is_submitted and sheet.stage.edition.scoring_open
        )
        return super().get_context_data(
            sheet=sheet,
            layout=sheets.sheet_layout(sheet),
            editable=self.can_edit(),
            can_submit=self.can_edit(),
            reopen_form=ReopenForm() if can_reopen else None,
            can_zip=user.has_perm("assessments.download_stage_evidence", sheets.sheet_entry(sheet)),
            events=sheet.events.select_related("by"),
            decimal_separator=get_format("DECIMAL_SEPARATOR"),
            **kwargs,
        )


class ScoreSaveView(SheetMixin, PermissionRequiredMixin, View):
    """htmx: save one indicator's value and comment; answers with the field's status fragment."""

    permission_required = "assessments.score_sheet"
    http_method_names = ["post"]

    @cached_property
    def sheet(self):
        # Locked, with its conflict flags and the stored score: the permission check, the rules and the save
        # all read this one row (ATOMIC_REQUESTS: the lock holds until the answer is sent).
        sheet = scoring.sheet_for_saving(self.request.user, self.kwargs["sheet_pk"], self.kwargs["indicator_pk"])
        if sheet is None:
            raise Http404
        return sheet

    def post(self, request, *args, **kwargs):
        indicator = scoring.saving_indicator(self.sheet)
        if indicator is None:
            raise Http404
        form = ScoreSaveForm(request.POST)
        context = {"sheet": self.sheet, "indicator": indicator, "now": timezone.now()}
        status = 200
        total = Decimal(self.sheet.weighted_total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if not form.is_valid():
            context["error"] = _("The field could not be read; reload the page.")
            status = 400
        else:
            data = form.cleaned_data
            try:
                result = scoring.save_score(
                    self.sheet,
                    indicator,
                    data["value"],
                    data["comment"],
                    by=request.user,
                    source=ScoreChange.Source.WEB,
                    ip=client_ip(request),
                    expected_version=data["version"],
                    locked=True,
                )
                context["score"] = result.score
                context["saved"] = True
                read = result.sheet or self.sheet  # read again under the lock when another save came first
                total = sheets.total_after(read, indicator, read.current_value, result.score.value)
            except scoring.ScoreConflict as conflict:
                context["score"] = conflict.current
                context["conflict"] = True
                context["typed"] = data["value"]
                context["error"] = conflict.message
                status = 409
            except scoring.ScoringError as refused:
                context["error"] = refused.message
                status = 422
        context["total"] = total
        context["evidence_missing"] = sheets.score_lacks_evidence(self.sheet, indicator, context.get("score"))
        html = render_to_string("assessments/sheets/_score_status.html", context, request=request)
        return HttpResponse(html, status=status)


class SheetWorkerView(PermissionRequiredMixin, View):
    """The score sheet's service worker: keeps copies of the sheet pages and their static files, so that a
    sheet once opened opens again offline (what is typed is kept by static/js/scoresheet.js).

    Served from under the sheets' URLs, so that its scope covers them without widening anything; public
    like a static file (it holds no data).
    """

    permission_required = "portal.view_public"
    VERSION = "1"  # raise when the worker changes what or how it keeps: old copies are dropped

    def get(self, request, *args, **kwargs):
        sample = reverse("assessments:sheet", kwargs={"sheet_pk": 987654321})
        context = {
            "version": self.VERSION,
            "scope": reverse("assessments:my_sheets"),
            "static_prefix": settings.STATIC_URL,
            "sheet_pattern": "^" + re.escape(sample).replace("987654321", r"\d+") + "$",
        }
        response = HttpResponse(
            render_to_string("assessments/sheets/worker.js", context), content_type="text/javascript; charset=utf-8"
        )
        response["Cache-Control"] = "no-cache"
        response["Service-Worker-Allowed"] = context["scope"]
        return response


class SheetSubmitView(SheetMixin, PermissionRequiredMixin, TemplateView):
    """Kirim: a confirmation page (GET), then the submission (POST) that locks the sheet."""

    permission_required = "assessments.submit_sheet"
    template_name = "assessments/sheets/submit.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sheet=self.sheet,
            missing=scoring.missing_indicators(self.sheet),
            total=sheets.sheet_total(self.sheet),
            editable=self.can_edit(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            scoring.submit_sheet(self.sheet, request.user)
        except scoring.ScoringError as refused:
            messages.error(request, refused.message)
            return redirect("assessments:sheet_submit", sheet_pk=self.sheet.pk)
        messages.success(request, _("The sheet was submitted. It can no longer be changed."))
        return redirect("assessments:sheet", sheet_pk=self.sheet.pk)


class StageSubmitAllView(StageMixin, PermissionRequiredMixin, TemplateView):
    """Submit all of one's complete sheets of a stage at once (after an Excel upload).

    GET: the confirmation page (which sheets will be submitted, which not and why). POST: submits the
    sheets that page listed, each through the single submission's rules."""

    permission_required = "assessments.submit_stage_sheets"
    template_name = "assessments/sheets/submit_all.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            stage=self.stage, plan=scoring.stage_submission(self.stage, self.request.user), **kwargs
        )

    def post(self, request, *args, **kwargs):
        pks = [int(pk) for pk in request.POST.getlist("sheets") if pk.isdigit()]
        if not pks:
            messages.error(request, _("No complete sheet was chosen: nothing was submitted."))
            return redirect("assessments:stage_submit_all", stage_pk=self.stage.pk)
        submitted, refused = scoring.submit_sheets(self.stage, pks, request.user)
        if submitted:
            messages.success(
                request,
                ngettext(
                    "%(count)d sheet was submitted. It can no longer be changed.",
                    "%(count)d sheets were submitted. They can no longer be changed.",
                    len(submitted),
                )
                % {"count": len(submitted)},
            )
        for item in refused:
            messages.error(
                request,
                _("%(name)s was not submitted: %(why)s") % {"name": item.participant.district.name, "why": item.reason},
            )
        return redirect("assessments:my_sheets")


class SheetReopenView(SheetMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.reopen_sheet"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ReopenForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for reopening the sheet."))
            return redirect("assessments:sheet", sheet_pk=self.sheet.pk)
        try:
            scoring.reopen_sheet(self.sheet, request.user, form.cleaned_data["reason"])
        except scoring.ScoringError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The sheet was reopened; its assessor can change it again."))
        return redirect("assessments:sheet", sheet_pk=self.sheet.pk)


class StageProgressView(StageMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_stage_progress"
    template_name = "assessments/sheets/progress.html"

    def get_context_data(self, **kwargs):
        progress = sheets.stage_progress(self.stage)
        # A page of participants (the columns), every assessor (the rows).
        paged = paginate(self.request, progress.participants)
        page = paged["page_obj"]
        start, end = page.start_index() - 1, page.end_index()
        shown = sheets.Progress(
            participants=page.object_list,
            rows=[(assessor, cells[start:end]) for assessor, cells in progress.rows],
            counts=progress.counts,
        )
        return super().get_context_data(stage=self.stage, progress=shown, **paged, **kwargs)


class ParticipantHistoryView(ParticipantMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_score_history"
    template_name = "assessments/sheets/history.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            participant=self.participant,
            changes=sheets.participant_history(self.participant),
            events=SheetEvent.objects.filter(sheet__participant=self.participant).select_related(
                "by", "sheet__stage", "sheet__assessor"
            ),
            **kwargs,
        )


class StageExcelDownloadView(StageMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.use_stage_excel"

    def get(self, request, *args, **kwargs):
        data = build_workbook(self.stage, request.user)
        response = HttpResponse(data, content_type=XLSX)
        filename = f"nilai-{self.stage.edition.year}-tahap-{self.stage.order}-{request.user.get_username()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# The workbook is received and read outside any transaction; apply_upload writes in its own.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class StageExcelUploadView(UploadLimitMixin, StageMixin, PermissionRequiredMixin, FormView):
    """The Excel page: how the workbook is laid out, the download link, and the upload with its report."""

    permission_required = "assessments.use_stage_excel"
    upload_max_bytes = MAX_UPLOAD_BYTES
    template_name = "assessments/sheets/excel.html"
    form_class = ExcelUploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(stage=self.stage, instructions=instructions(), clear_mark=CLEAR_MARK, **kwargs)

    @property
    def session_key(self):
        return f"sp2k-excel-changes-{self.stage.pk}"

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST or "cancel" in request.POST:
            return self.confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """Read the workbook and show what it changes; the change set waits in the session, signed."""
        report = check_upload(self.stage, self.request.user, form.cleaned_data["file"])
        if not report.ok:
            return self.render_to_response(self.get_context_data(form=form, report=report), status=422)
        if not report.changes:
            messages.info(
                self.request, _("The workbook changes nothing (%(rows)s rows checked).") % {"rows": report.rows}
            )
            return redirect(reverse("assessments:my_sheets"))
        self.request.session[self.session_key] = report.token
        return self.render_to_response(
            self.get_context_data(form=form, preview=report, confirm=changes_digest(report.token))
        )

    def confirm(self, request):
        """Apply the change set the assessor saw (the digest says which), or drop it."""
        token = request.session.get(self.session_key)
        if "cancel" in request.POST:
            request.session.pop(self.session_key, None)
            messages.info(request, _("The upload was cancelled: nothing was saved."))
            return redirect(request.path)
        if not token or request.POST.get("confirm") != changes_digest(token):
            messages.error(request, _("This preview has expired; upload the workbook again."))
            return redirect(request.path)
        request.session.pop(self.session_key, None)
        report = apply_changes(self.stage, request.user, token, ip=client_ip(request))
        if report.ok:
            messages.success(
                request,
                _("The workbook was applied: %(rows)s rows checked, %(changed)s scores changed.")
                % {"rows": report.rows, "changed": report.changed},
            )
            return redirect(reverse("assessments:my_sheets"))
        return self.render_to_response(self.get_context_data(form=self.form_class(), report=report), status=422)


def changes_digest(token):
    """A short fingerprint of a change set: the confirmation names the preview it confirms."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]
