"""Public verification of a printed document: what its QR code leads to, and a check of the PDF itself."""

from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.views.generic import TemplateView

from assessments.domain import document_checks, documents, signing
from assessments.forms.verify import VerifyUploadForm
from assessments.models import Document
from sp2k.permissions import PermissionRequiredMixin
from sp2k.uploads import UploadLimitMixin


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """The uploaded PDF is held in memory whatever its size (already capped by the view): never on disk."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 - Django's
        self.activated = True


class VerifyView(UploadLimitMixin, PermissionRequiredMixin, TemplateView):
    """Public: what a printed document states and whether it is the current version.

    Only the code's holder — someone with the printed document — gets here, and the page shows
    nothing the document does not itself state. Whoever has the PDF may upload it: the page says whether
    that file is the genuine current version, an older one, a modified copy or an unsigned other file.
    """

    permission_required = "portal.view_public"
    template_name = "assessments/documents/verify.html"
    upload_max_bytes = document_checks.MAX_UPLOAD_BYTES

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            request.upload_handlers = [InMemoryUploadHandler(request)]
        return super().dispatch(request, *args, **kwargs)

    def _document(self, code):
        return Document.objects.select_related("edition").filter(code=code).first()

    def _unknown(self, code):
        # A clear answer for whoever holds a paper with a forged or mistyped code.
        return self.response_class(
            self.request, "assessments/documents/verify_unknown.html", {"code": code}, status=404
        )

    def get(self, request, code):
        document = self._document(code)
        if document is None:
            return self._unknown(code)
        return self.render_to_response(self.get_context_data(document=document, form=VerifyUploadForm()))

    def post(self, request, code):
        document = self._document(code)
        if document is None:
            return self._unknown(code)
        form = VerifyUploadForm(request.POST, request.FILES)
        verdict = document_checks.check_upload(document, form.cleaned_data["pdf"]) if form.is_valid() else None
        return self.render_to_response(
            self.get_context_data(document=document, form=VerifyUploadForm() if verdict else form, verdict=verdict)
        )

    def get_context_data(self, document, **kwargs):
        latest = None
        if document.is_superseded:
            latest = (
                Document.objects.filter(
                    edition=document.edition_id, subject=document.subject, status=Document.Status.CURRENT
                )
                .only("version", "created_at")
                .first()
            )
        stored = document_checks.stored_signature(document)
        return super().get_context_data(
            document=document,
            lines=documents.verification_lines(document),
            rows=documents.verification_rows(document),
            figures_public=documents.figures_are_public(document),
            latest=latest,
            lists_winners=document.kind == Document.Kind.DECREE,
            stored_signature_lines=document_checks.signature_lines(stored) if stored else [],
            stored_unsigned=stored is not None and not stored.signed,
            signing_status=signing.status_text(),
            **kwargs,
        )
