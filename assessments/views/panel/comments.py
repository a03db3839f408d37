"""Criteria open for comment: the province opens and closes a round from the edition page; the regencies
and kecamatan of the province see the open rounds and comment per indicator."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from assessments.domain import criteria_comments
from assessments.forms.comments import CommentRoundForm, comment_field_name, posted_comments
from assessments.models import COMMENT_MAX_LENGTH
from assessments.queries import criteria_comments as queries
from assessments.views import lookups
from sp2k.permissions import PermissionRequiredMixin


def _report(request, error):
    for message in error.messages:
        messages.error(request, message)


class CommentRoundOpenView(lookups.EditionMixin, PermissionRequiredMixin, View):
    """The edition page's "Open the criteria for comment" (draft editions only: the domain refuses others)."""

    permission_required = "assessments.manage_comment_rounds"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CommentRoundForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the last day for comments."))
        else:
            try:
                criteria_comments.open_round(
                    self.edition, form.cleaned_data["closes_on"], request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                _report(request, error)
            else:
                messages.success(
                    request,
                    _("The draft criteria are open for comment; the regencies and kecamatan of the province are told."),
                )
        return redirect("assessments:edition_detail", self.edition.pk)


class CommentRoundCloseView(lookups.EditionMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.manage_comment_rounds"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        round_ = queries.current_round(self.edition)
        if round_ is None or round_.closed_at is not None:
            messages.error(request, _("The criteria are not open for comment."))
        else:
            try:
                criteria_comments.close_round(round_, request.user)
            except ValidationError as error:
                _report(request, error)
            else:
                messages.success(request, _("The comment round is closed."))
        return redirect("assessments:edition_detail", self.edition.pk)


class CommentRoundListView(PermissionRequiredMixin, TemplateView):
    """The rounds open to a regency or kecamatan account (its province's)."""

    permission_required = "assessments.view_comment_rounds"
    template_name = "assessments/comments/round_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rounds=queries.open_rounds_for(self.request.user), **kwargs)


class CriteriaCommentView(lookups.EditionObjectMixin, PermissionRequiredMixin, TemplateView):
    """An edition's draft criteria with a comment box per indicator (the account's own comments)."""

    permission_required = "assessments.view_comment_round"
    template_name = "assessments/comments/criteria_comments.html"

    @cached_property
    def edition(self):
        return queries.comment_edition_or_404(self.request.user, self.kwargs["edition_pk"])

    @cached_property
    def round(self):
        return queries.current_round(self.edition)

    @cached_property
    def can_comment(self):
        return bool(
            self.round is not None
            and self.round.is_open
            and self.request.user.has_perm("assessments.comment_on_criteria", self.edition)
        )

    def get_context_data(self, posted=None, **kwargs):
        stages = queries.criteria_with_own_comments(self.round, self.request.user) if self.round else []
        for stage in stages:
            for aspect in stage.aspects:
                for indicator in aspect.indicators.all():
                    indicator.field_name = comment_field_name(indicator.pk)
                    own = indicator.own_comment.text if indicator.own_comment else ""
                    # After a refused save the page shows what was typed, not what is stored.
                    indicator.text_value = posted.get(indicator.field_name, own) if posted else own
        return super().get_context_data(
            edition=self.edition,
            round=self.round,
            stages=stages,
            can_comment=self.can_comment,
            closed_message=(
                criteria_comments.closed_message(self.round) if self.round and self.round.is_closed else None
            ),
            max_length=COMMENT_MAX_LENGTH,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("assessments.comment_on_criteria", self.edition):
            return self.handle_no_permission()
        if self.round is None:
            messages.error(request, _("The criteria are not open for comment."))
            return redirect(reverse("assessments:criteria_comments", args=[self.edition.pk]))
        try:
            changed = criteria_comments.save_comments(self.round, request.user, posted_comments(request.POST))
        except ValidationError as error:
            _report(request, error)
            return self.render_to_response(self.get_context_data(posted=request.POST), status=422)
        if changed:
            messages.success(
                request,
                ngettext("%(count)d comment saved.", "%(count)d comments saved.", changed) % {"count": changed},
            )
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(reverse("assessments:criteria_comments", args=[self.edition.pk]))
