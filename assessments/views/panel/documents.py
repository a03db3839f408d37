"""The province admin's documents page (decree settings, printing, versions, jobs) and public verification."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from assessments.domain import documents, jobs, signing
from assessments.forms.documents import DecreeForm, LetterheadForm
from assessments.models import Award, Decree, Document, DocumentJob, Stage
from assessments.views.lookups import DocumentJobMixin, DocumentMixin, EditionMixin
from sp2k.paging import paginate
from sp2k.permissions import PermissionRequiredMixin

PDF = "application/pdf"


class EditionDocumentsMixin(EditionMixin, PermissionRequiredMixin):
    permission_required = "assessments.manage_documents"


class DocumentsView(EditionDocumentsMixin, TemplateView):
    template_name = "assessments/documents/documents.html"

    def get_context_data(self, **kwargs):
        edition = self.edition
        all_documents = list(documents.documents_of(edition))
        current = {d.subject: d for d in all_documents if d.is_current}
        awards = list(documents.confirmed_awards(edition))
        stages = list(edition.stages.order_by("order"))
        history = paginate(self.request, all_documents)
        return super().get_context_data(
            edition=edition,
            decree=Decree.objects.filter(edition=edition).first(),
            awards=[
                (a, current.get(f"certificate:{a.category_id}"), current.get(f"report:{a.category_id}")) for a in awards
            ],
            stages=[(s, current.get(f"recap:{s.pk}")) for s in stages],
            current_decree=current.get("decree"),
            all_documents=history["page_obj"].object_list,
            **history,
            jobs=list(edition.document_jobs.all()[:5]),
            job_kinds=DocumentJob.Kind.choices,
            results_final=edition.results_final,
            signing_status=signing.status_text(),
            signing_ready=signing.state().ready,
            **kwargs,
        )


class DecreeFormView(EditionDocumentsMixin, TemplateView):
    template_name = "assessments/documents/decree_form.html"

    def _form(self, data=None):
        instance = Decree.objects.filter(edition=self.edition).first() or Decree(edition=self.edition)
        names = self.edition.award_categories.order_by("order").values_list("name", flat=True)
        return DecreeForm(data, instance=instance, award_names=names)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self._form())
        return super().get_context_data(edition=self.edition, **kwargs)

    def post(self, request, edition_pk):
        form = self._form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            documents.save_decree(form.save(commit=False), request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("The decree's settings are saved. Print the decree again to apply them."))
        return redirect("documents:edition", self.edition.pk)


class LetterheadView(EditionDocumentsMixin, TemplateView):
    """The province's emblem and letterhead (kop surat), printed on all its documents."""

    template_name = "assessments/documents/letterhead_form.html"

    def get_context_data(self, **kwargs):
        record = documents.letterhead_of(self.edition.province)
        kwargs.setdefault("form", LetterheadForm())
        return super().get_context_data(
            emblem=documents.image_data_uri(record.emblem) if record.emblem else documents.emblem_data_uri(),
            has_emblem=bool(record.emblem),
            letterhead=documents.image_data_uri(record.letterhead) if record.letterhead else "",
            **kwargs,
        )

    def post(self, request, edition_pk):
        form = LetterheadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                documents.save_letterhead(
                    self.edition.province,
                    request.user,
                    emblem=data["emblem"],
                    letterhead=data["letterhead"],
                    remove_emblem=data["remove_emblem"],
                    remove_letterhead=data["remove_letterhead"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Saved. Documents printed from now on carry them (as a new version where they changed).")
                )
                return redirect("documents:edition", self.edition.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class IssueView(EditionDocumentsMixin, View):
    """Issue (or reuse, if nothing changed) one document and download it."""

    http_method_names = ["post"]

    def post(self, request, edition_pk):
        kind, edition, user = request.POST.get("kind"), self.edition, request.user
        try:
            if kind == Document.Kind.DECREE:
                document = documents.issue_decree(edition, user)
            elif kind in (Document.Kind.CERTIFICATE, Document.Kind.CHAMPION_REPORT):
                award = get_object_or_404(
                    Award.objects.select_related("category__edition", "participant__district__regency"),
                    category__edition=edition,
                    pk=request.POST.get("award"),
                )
                if kind == Document.Kind.CERTIFICATE:
                    document = documents.issue_certificate(award, user)
                else:
                    document = documents.issue_champion_report(award, user)
            elif kind == Document.Kind.RECAP:
                stage = get_object_or_404(
                    Stage.objects.select_related("edition"), edition=edition, pk=request.POST.get("stage")
                )
                document = documents.issue_recap(stage, user)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("documents:edition", edition.pk)
        return redirect("documents:download", document.pk)


class DocumentObjectMixin(DocumentMixin, PermissionRequiredMixin):
    permission_required = "assessments.manage_documents"


class DownloadView(DocumentObjectMixin, View):
    def get(self, request, pk):
        response = HttpResponse(documents.pdf_of(self.document), content_type=PDF)
        response["Content-Disposition"] = f'attachment; filename="{documents.file_name(self.document)}"'
        return response


class WithdrawView(DocumentObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            documents.withdraw(self.document, request.user, request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The document is withdrawn; its verification page now says so."))
        return redirect("documents:edition", self.document.edition_id)


class JobStartView(EditionDocumentsMixin, View):
    http_method_names = ["post"]

    def post(self, request, edition_pk):
        kind = request.POST.get("kind")
        if kind not in DocumentJob.Kind.values:
            raise Http404
        try:
            jobs.start_job(self.edition, kind, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The job has started; its progress is shown below."))
        return redirect(reverse("documents:edition", args=[self.edition.pk]) + "#jobs")


class JobObjectMixin(DocumentJobMixin, PermissionRequiredMixin):
    permission_required = "assessments.manage_documents"


class JobProgressView(JobObjectMixin, TemplateView):
    """The job's progress bar; htmx polls it every second until the job ends."""

    template_name = "assessments/documents/_job.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(job=jobs.fail_if_abandoned(self.job), **kwargs)


class JobDownloadView(JobObjectMixin, View):
    def get(self, request, pk):
        job = self.job
        if not job.is_done or not job.result:
            raise Http404(_("The job has not finished."))
        name = "piagam-semua" if job.kind == DocumentJob.Kind.CERTIFICATES else "rekapitulasi-nilai-semua"
        response = HttpResponse(job.result.open("rb").read(), content_type=PDF)
        response["Content-Disposition"] = f'attachment; filename="{name}-{job.edition.year}.pdf"'
        return response
