"""The province admin's awards page: categories, the proposal from the final ranking, confirming, publishing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from assessments.domain import awards, ranking, workflow
from assessments.forms.awards import CategoryForm, ChoiceForm, PublishForm, WithdrawPublicationForm
from assessments.models import Award, AwardCategory, Edition, Participant
from assessments.views.lookups import EditionMixin
from sp2k.permissions import PermissionRequiredMixin


def _messages_of(error):
    if hasattr(error, "message_dict"):
        return [m for field_messages in error.message_dict.values() for m in field_messages]
    return error.messages


class AwardsMixin(EditionMixin, PermissionRequiredMixin):
    permission_required = "assessments.manage_awards"

    @cached_property
    def category(self):
        return self.find(AwardCategory, pk=self.kwargs["category_pk"], edition=self.edition)

    def awards_url(self):
        return reverse("assessments:awards", args=[self.edition.pk])

    def done(self, action, success):
        """Run a service call; its refusal becomes error messages, its success the given message."""
        try:
            action()
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(self.request, message)
        else:
            messages.success(self.request, success)
        return HttpResponseRedirect(self.awards_url())


class AwardsView(AwardsMixin, TemplateView):
    template_name = "assessments/awards/awards.html"

    def get_context_data(self, category_form=None, **kwargs):
        edition = self.edition
        ranking_ready = edition.results_final
        proposal = awards.propose_awards(edition, rows=ranking.final_ranking(edition) if ranking_ready else [])
        confirmed = proposal.confirmed
        editable = not edition.is_published and not confirmed
        choosing = editable and edition.awards_open
        accepted = None
        for line in proposal.lines:
            line.form = None
            if not choosing:
                continue
            if line.is_tie or (line.is_chosen and line.category.rank):
                tied = line.candidates or awards.holders_of_place(proposal.rows, line.category.rank)
                line.form = ChoiceForm(candidates=[r.participant for r in tied], prefix=f"c{line.category.pk}")
            elif line.category.rank is None:
                if accepted is None:
                    accepted = list(
                        Participant.objects.filter(edition=edition, status=Participant.Status.ACCEPTED)
                        .select_related("district__regency")
                        .order_by("district__name")
                    )
                line.form = ChoiceForm(candidates=accepted, prefix=f"c{line.category.pk}")
        problems = awards.confirmation_problems(proposal) if ranking_ready else []
        return super().get_context_data(
            edition=edition,
            proposal=proposal,
            ranking_ready=ranking_ready,
            confirmed=confirmed,
            stale=proposal.stale if confirmed else [],
            editable=editable,
            choosing=choosing,
            can_confirm=edition.awards_open and not problems and not (confirmed and not proposal.stale),
            problems=problems,
            can_publish=edition.awards_open and confirmed and not proposal.stale,
            category_form=category_form or CategoryForm(),
            **kwargs,
        )


class DefaultCategoriesView(AwardsMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.done(
            lambda: awards.add_default_categories(self.edition, request.user),
            _("The default awards were added: Juara I, II, III, Juara Harapan I and II."),
        )


class CategoryAddView(AwardsMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CategoryForm(request.POST)
        if form.is_valid():
            try:
                category = awards.add_category(
                    self.edition, request.user, form.cleaned_data["name"], form.cleaned_data["rank"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The award “%(name)s” was added.") % {"name": category.name})
                return HttpResponseRedirect(self.awards_url())
        view = AwardsView(request=request, kwargs=self.kwargs)
        view.edition = self.edition
        return view.render_to_response(view.get_context_data(category_form=form), status=400)


class CategoryEditView(AwardsMixin, TemplateView):
    template_name = "assessments/awards/category_form.html"

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            edition=self.edition, category=self.category, form=form or CategoryForm(instance=self.category), **kwargs
        )

    def post(self, request, *args, **kwargs):
        category = self.category
        # A copy as the form's instance: a refused change must not alter the category shown again.
        form = CategoryForm(request.POST, instance=AwardCategory.objects.get(pk=category.pk))
        if form.is_valid():
            try:
                awards.change_category(category, request.user, form.cleaned_data["name"], form.cleaned_data["rank"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The award “%(name)s” was saved.") % {"name": category.name})
                return HttpResponseRedirect(self.awards_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CategoryMoveView(AwardsMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        up = request.POST.get("direction") == "up"
        return self.done(
            lambda: awards.move_category(self.category, request.user, up=up), _("The order of the awards was changed.")
        )


class CategoryDeleteView(AwardsMixin, View):
    """GET asks for confirmation (nothing is deleted), POST removes the award category."""

    def get(self, request, *args, **kwargs):
        category = self.category
        award = Award.objects.filter(category=category).select_related("participant__district").first()
        return render(
            request,
            "assessments/editions/confirm_delete.html",
            {
                "edition": self.edition,
                "title": _("Remove the award %(name)s") % {"name": category.name},
                "question": _("Remove the award “%(name)s” from %(edition)s?")
                % {"name": category.name, "edition": self.edition.name},
                "consequences": (
                    [_("the choice of %(kecamatan)s for it") % {"kecamatan": award.participant.district.name}]
                    if award
                    else []
                ),
                "problems": [],
                "confirm_label": _("Remove the award"),
                "back_url": self.awards_url(),
            },
        )

    def post(self, request, *args, **kwargs):
        name = self.category.name
        return self.done(
            lambda: awards.delete_category(self.category, request.user),
            _("The award “%(name)s” was removed.") % {"name": name},
        )


class AwardChooseView(AwardsMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        category = self.category
        form = ChoiceForm(
            request.POST,
            candidates=awards.choice_candidates(self.edition, category),
            prefix=f"c{category.pk}",
        )
        if not form.is_valid():
            for field_errors in form.errors.values():
                for message in field_errors:
                    messages.error(request, f"{category.name}: {message}")
            return HttpResponseRedirect(self.awards_url())
        participant = form.cleaned_data["participant"]
        return self.done(
            lambda: awards.choose_award(category, participant, request.user, form.cleaned_data["reason"]),
            _("“%(award)s” goes to Kecamatan %(name)s.") % {"award": category.name, "name": participant.district.name},
        )


class ConfirmView(AwardsMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.done(
            lambda: awards.confirm_awards(self.edition, request.user),
            _("The awards are confirmed. The results can now be published."),
        )


class WithdrawConfirmationView(AwardsMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.done(
            lambda: awards.withdraw_confirmation(self.edition, request.user),
            _("The confirmation was withdrawn; the awards can be changed again."),
        )


class PublishView(AwardsMixin, TemplateView):
    """A confirmation step, then the move to PUBLISHED: the results are public at once."""

    template_name = "assessments/awards/publish.html"

    def get_context_data(self, form=None, **kwargs):

        edition = self.edition
        problems = (
            workflow.precondition_problems(edition, Edition.State.PUBLISHED)
            if edition.results_final and not edition.is_published
            else [_("Only an edition whose results are final can be published.")]
        )
        return super().get_context_data(edition=edition, problems=problems, form=form or PublishForm(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = PublishForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            workflow.publish(self.edition, request.user)
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
            return redirect("assessments:publish", edition_pk=self.edition.pk)
        messages.success(request, _("The results are published and public from now on."))
        return redirect("results:edition_results", edition_pk=self.edition.pk)


class WithdrawPublicationView(AwardsMixin, TemplateView):
    """A confirmation step with a reason, then the move back to FINAL: the public page says it was withdrawn."""

    template_name = "assessments/awards/withdraw_publication.html"

    def get_context_data(self, form=None, **kwargs):
        edition = self.edition
        problems = [] if edition.is_published else [_("Only a published edition can have its publication withdrawn.")]
        return super().get_context_data(
            edition=edition,
            problems=problems,
            form=form or WithdrawPublicationForm(),
            documents=workflow.result_documents(edition) if not problems else [],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = WithdrawPublicationForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            workflow.withdraw_publication(self.edition, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
            return redirect("assessments:publication_withdraw", edition_pk=self.edition.pk)
        messages.success(
            request,
            _("The publication was withdrawn. Correct the awards, then publish the results again."),
        )
        return redirect("assessments:edition_detail", edition_pk=self.edition.pk)
