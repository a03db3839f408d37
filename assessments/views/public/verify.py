"""Public verification of a printed document: what its QR code leads to."""

from django.views.generic import TemplateView

from assessments.domain import documents
from assessments.models import Document
from sp2k.permissions import PermissionRequiredMixin


class VerifyView(PermissionRequiredMixin, TemplateView):
    """Public: what a printed document states and whether it is the current version.

    Only the code's holder — someone with the printed document — gets here, and the page shows
    nothing the document does not itself state.
    """

    permission_required = "portal.view_public"
    template_name = "assessments/documents/verify.html"

    def get(self, request, code):
        document = Document.objects.select_related("edition").filter(code=code).first()
        if document is None:
            # A clear answer for whoever holds a paper with a forged or mistyped code.
            return self.response_class(request, "assessments/documents/verify_unknown.html", {"code": code}, status=404)
        return self.render_to_response(self.get_context_data(document=document))

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
        return super().get_context_data(
            document=document,
            lines=documents.verification_lines(document),
            rows=documents.verification_rows(document),
            figures_public=documents.figures_are_public(document),
            latest=latest,
            lists_winners=document.kind == Document.Kind.DECREE,
            **kwargs,
        )
