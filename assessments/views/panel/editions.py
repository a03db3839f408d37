"""Editions: the list, the hub page of one edition, its state moves, copy/export/import, and its criteria.

Every edition and stage is looked up the tenant-scoped way (``assessments.views.lookups``): an edition
of another province does not exist for the user (404), whatever its id.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, ProtectedError, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, ListView, TemplateView, UpdateView, View

from assessments.domain import configuration, criteria, workflow
from assessments.domain import editions as services
from assessments.forms.editions import (
    AspectForm,
    ConfigurationImportForm,
    CriteriaCopyForm,
    EditionCopyForm,
    EditionCreateForm,
    EditionSettingsForm,
    IndicatorForm,
    RubricLevelFormSet,
    StageForm,
    TransitionForm,
)
from assessments.models import Aspect, Edition, Indicator, Participant
from assessments.queries import criteria_comments as comment_queries
from assessments.queries.editions import editions_visible_to
from assessments.views import lookups
from sp2k.permissions import PermissionRequiredMixin
from sp2k.uploads import UploadLimitMixin


def _error_messages(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


class EditionPageMixin:
    def detail_url(self):
        return reverse("assessments:edition_detail", args=[self.edition.pk])


class EditionMixin(EditionPageMixin, lookups.EditionMixin):
    """One edition from the URL (the tenant-scoped lookup). List before PermissionRequiredMixin."""


class StageCriteriaMixin(EditionPageMixin, lookups.StageMixin):
    """A stage's criteria pages: the stage (looked up) and whether its criteria may change.

    The permission object is the stage.
    """

    @cached_property
    def editable(self):
        return self.stage.criteria_editable

    def criteria_url(self):
        return reverse("assessments:stage_criteria", args=[self.edition.pk, self.stage.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(edition=self.edition, stage=self.stage, editable=self.editable, **kwargs)


class CriteriaEditMixin(StageCriteriaMixin):
    """Views that change a stage's criteria: refused once the stage has scores or the results are final."""

    permission_required = "assessments.change_criteria"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission() and not self.editable:
            messages.error(request, locked_message(self.stage))
            return redirect(self.criteria_url())
        return super().dispatch(request, *args, **kwargs)


def locked_message(stage):
    """The domain's own words for why the stage's criteria are locked."""
    try:
        criteria.require_stage_criteria_editable(stage)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


class ConfirmDeleteMixin:
    """A delete in two steps: GET shows what will go (nothing is deleted), POST deletes."""

    template_name = "assessments/editions/confirm_delete.html"

    def confirmation(self):
        """The page's texts: title, question, consequences, confirm_label, back_url (and problems)."""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"edition": self.edition, **self.confirmation()})


# --- editions ---


class EditionListView(PermissionRequiredMixin, ListView):
    permission_required = "assessments.view_edition_list"
    template_name = "assessments/editions/edition_list.html"
    context_object_name = "editions"

    def get_queryset(self):
        return (
            editions_visible_to(self.request.user)
            .select_related("province")
            .annotate(
                stage_count=Count("stages", distinct=True),
                participant_count=Count(
                    "participants", filter=Q(participants__status=Participant.Status.ACCEPTED), distinct=True
                ),
            )
            .order_by("-year", "name")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=self.request.user.has_perm("assessments.manage_editions"), **kwargs)


class EditionCreateView(PermissionRequiredMixin, FormView):
    permission_required = ("assessments.manage_editions", "assessments.create_edition_in_province")
    template_name = "assessments/editions/edition_form.html"
    form_class = EditionCreateForm

    def get_permission_object(self):
        # A province admin creates in its own province; a superuser picks one in the form.
        # (An anonymous visitor has no province_id: refused below and sent to the login page.)
        user = self.request.user
        return user.province if getattr(user, "province_id", None) else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "province": self.get_permission_object()}

    def form_valid(self, form):
        data = form.cleaned_data
        province = data["province"]
        if not self.request.user.has_perm("assessments.create_edition_in_province", province):
            raise PermissionDenied
        try:
            if data["copy_from"]:
                edition = services.copy_edition(data["copy_from"], data["name"], data["year"])
            else:
                fields = {name: data[name] for name in form.Meta.fields}
                edition = services.create_blank_edition(province, **fields)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The edition %(name)s was created as a draft.") % {"name": edition.name})
        return redirect("assessments:edition_detail", edition.pk)


class EditionDetailView(EditionMixin, PermissionRequiredMixin, TemplateView):
    """The hub of an edition: its state and history, its stages, and the way to every other area."""

    permission_required = "assessments.view_edition"
    template_name = "assessments/editions/edition_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        edition = self.edition
        can_manage = user.has_perm("assessments.change_edition", edition)
        moves = []
        if user.has_perm("assessments.move_edition", edition):
            for state in workflow.allowed_moves(edition):
                moves.append(
                    {
                        "state": state,
                        "label": workflow.move_label(edition.state, state),
                        "backward": workflow.BACKWARD.get(edition.state) == state,
                        "problems": workflow.precondition_problems(edition, state),
                        "url": _confirmation_url(edition, state),
                    }
                )
        stages = list(services.stages_with_counts(edition))
        for stage in stages:
            stage.links = _stage_links(edition, stage) if can_manage else []
        return super().get_context_data(
            can_manage=can_manage,
            moves=moves,
            steps=_steps(edition.state),
            weighted=edition.final_score == Edition.FinalScore.WEIGHTED_STAGES,
            transitions=services.transitions(edition),
            stages=stages,
            stage_weight_problem=(
                services.weight_total_problem([s.weight for s in stages], _("the stages in the final score"))
                if stages and edition.final_score == Edition.FinalScore.WEIGHTED_STAGES
                else None
            ),
            area_links=(
                _edition_links(edition)
                if can_manage
                else _assessor_links(edition)
                if user.has_perm("assessments.view_edition_list") and edition.scoring_open
                else []
            ),
            can_add_stage=can_manage and edition.in_setup,
            can_delete=can_manage and edition.is_draft,
            tie_break_problem=criteria.tie_break_problem(edition) if can_manage else None,
            comments=(
                comment_queries.edition_panel(edition)
                if user.has_perm("assessments.manage_comment_rounds", edition)
                else None
            ),
            **kwargs,
        )


def _confirmation_url(edition, to_state):
    """Publishing and withdrawing a publication are made on their confirmation pages (None: a plain move)."""
    if not workflow.needs_confirmation(edition.state, to_state):
        return None
    name = "publish" if to_state in Edition.PUBLISHED_STATES else "publication_withdraw"
    return reverse(f"assessments:{name}", args=[edition.pk])


def _steps(current):
    states = list(Edition.State)
    index = states.index(Edition.State(current))
    return [
        {
            "label": state.label,
            "status": "done" if i < index else "current" if i == index else "todo",
            "current": i == index,
        }
        for i, state in enumerate(states)
    ]


def _link(name, label, *args):
    return {"url": reverse(f"assessments:{name}", args=args), "label": label}


def _edition_links(edition):
    return [
        _link("participant_list", _("Participants and nominations"), edition.pk),
        _link("assessor_list", _("Assessors"), edition.pk),
        _link("final_ranking", _("Final ranking"), edition.pk),
        _link("awards", _("Awards and publication"), edition.pk),
        {"url": reverse("documents:edition", args=[edition.pk]), "label": _("Documents")},
    ]


def _assessor_links(edition):
    return [
        _link("my_sheets", _("My score sheets")),
        _link("conflict_declare", _("Declare a conflict of interest"), edition.pk),
    ]


def _stage_links(edition, stage):
    links = [
        _link("stage_progress", _("Progress"), stage.pk),
        _link("assignment_matrix", _("Assignments"), edition.pk, stage.pk),
        _link("stage_ranking", _("Ranking"), stage.pk),
    ]
    if stage.kind == stage.Kind.FIELD_VISIT:
        links.append(_link("stage_visits", _("Field visits"), stage.pk))
    return links


class EditionTransitionView(EditionMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.move_edition"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a state to move to."))
            return redirect(self.detail_url())
        try:
            record = workflow.move_edition(self.edition, form.cleaned_data["to_state"], by=request.user)
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
        else:
            messages.success(
                request, _("The edition is now in the state “%(state)s”.") % {"state": record.get_to_state_display()}
            )
        return redirect(self.detail_url())


class EditionSettingsView(EditionMixin, PermissionRequiredMixin, UpdateView):
    permission_required = "assessments.change_edition"
    template_name = "assessments/editions/edition_settings.html"
    form_class = EditionSettingsForm

    def dispatch(self, request, *args, **kwargs):
        # Published settings are what the results and the decree state: the form is not even shown.
        # (Before that, the domain refuses a change of the formula once there are scores, on the form.)
        if request.user.is_authenticated and self.has_permission() and self.edition.settings_frozen:
            messages.error(request, criteria.settings_frozen_message())
            return redirect(self.detail_url())
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.edition

    def form_valid(self, form):
        try:
            criteria.save_edition_settings(form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The settings were saved."))
        return redirect(self.detail_url())


class EditionCopyView(EditionMixin, PermissionRequiredMixin, FormView):
    permission_required = "assessments.change_edition"
    template_name = "assessments/editions/edition_copy.html"
    form_class = EditionCopyForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.edition}

    def form_valid(self, form):
        try:
            copy = services.copy_edition(self.edition, form.cleaned_data["name"], form.cleaned_data["year"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s was created as a draft copy of %(source)s.") % {"name": copy.name, "source": self.edition.name},
        )
        return redirect("assessments:edition_detail", copy.pk)


class EditionDeleteView(ConfirmDeleteMixin, EditionMixin, PermissionRequiredMixin, View):
    """Delete a draft edition made by mistake (only a draft nobody has used: ``editions.deletion_problems``)."""

    permission_required = "assessments.change_edition"

    def confirmation(self):
        edition = self.edition
        counts = services.deletion_summary(edition)
        consequences = [
            ngettext("%(count)s stage", "%(count)s stages", counts["stages"]) % {"count": counts["stages"]},
            ngettext("%(count)s aspect", "%(count)s aspects", counts["aspects"]) % {"count": counts["aspects"]},
            ngettext("%(count)s indicator", "%(count)s indicators", counts["indicators"])
            % {"count": counts["indicators"]},
            ngettext("%(count)s award category", "%(count)s award categories", counts["award_categories"])
            % {"count": counts["award_categories"]},
            ngettext("%(count)s assessor in its panel", "%(count)s assessors in its panel", counts["assessors"])
            % {"count": counts["assessors"]},
        ]
        if counts["decree"]:
            consequences.append(_("the decree's set-up"))
        return {
            "title": _("Delete the edition %(name)s") % {"name": edition.name},
            "question": _("Delete the draft edition “%(name)s”?") % {"name": edition.name},
            "consequences": consequences,
            "problems": services.deletion_problems(edition),
            "confirm_label": _("Delete the edition"),
            "back_url": self.detail_url(),
        }

    def post(self, request, *args, **kwargs):
        name = self.edition.name
        try:
            services.delete_edition(self.edition)
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
            return redirect(self.detail_url())
        messages.success(request, _("The edition %(name)s was deleted.") % {"name": name})
        return redirect("assessments:edition_list")


class EditionExportView(EditionMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.change_edition"

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("format", "json")
        if kind == "json":
            body, content_type = services.export_json(self.edition), "application/json"
        elif kind == "yaml":
            body, content_type = services.export_yaml(self.edition), "application/yaml"
        else:
            raise Http404(_("Unknown export format."))
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        filename = f"{slugify(self.edition.name) or 'edisi'}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# The file is received and read outside any transaction; import_configuration writes in its own.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class EditionImportView(UploadLimitMixin, EditionMixin, PermissionRequiredMixin, FormView):
    permission_required = "assessments.change_edition"
    upload_max_bytes = services.MAX_IMPORT_BYTES
    template_name = "assessments/editions/edition_import.html"
    form_class = ConfigurationImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            importable=self.edition.is_draft and not self.edition.has_scores(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            data = services.parse_configuration_file(form.cleaned_data["file"])
            services.import_configuration(self.edition, data)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(form=form, import_errors=error.messages))
        messages.success(self.request, _("The configuration was imported."))
        return redirect(self.detail_url())


# --- stages and criteria ---


class StageCreateView(EditionMixin, PermissionRequiredMixin, FormView):
    permission_required = "assessments.change_edition"
    template_name = "assessments/editions/item_form.html"
    form_class = StageForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "edition": self.edition}

    def get_initial(self):
        return {"order": services.next_order(self.edition.stages.all())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New stage"), back_url=self.detail_url(), **kwargs)

    def form_valid(self, form):
        try:
            stage = services.add_stage(self.edition, form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The stage was added; now give it aspects and indicators."))
        return redirect("assessments:stage_criteria", self.edition.pk, stage.pk)


class StageCriteriaView(StageCriteriaMixin, PermissionRequiredMixin, TemplateView):
    """A stage's settings, aspects and indicators with their weight sums; settings are saved here."""

    permission_required = "assessments.change_criteria"
    template_name = "assessments/editions/stage_criteria.html"

    def get_form(self):
        return StageForm(self.request.POST or None, instance=self.stage, edition=self.edition)

    def get_context_data(self, **kwargs):
        aspects = list(
            self.stage.aspects.prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.prefetch_related("levels").order_by("order"))
            ).order_by("order")
        )
        stage_label = _("the aspects of stage “%(name)s”") % {"name": self.stage.name}
        aspect_problem = services.weight_total_problem([a.weight for a in aspects], stage_label) if aspects else None
        for aspect in aspects:
            indicators = aspect.indicators.all()
            aspect.indicator_total = services.weight_total([i.weight for i in indicators])
            aspect.weight_problem = (
                services.weight_total_problem(
                    [i.weight for i in indicators], _("the indicators of “%(name)s”") % {"name": aspect.name}
                )
                if indicators
                else _("This aspect has no indicator yet.")
            )
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(
            aspects=aspects,
            aspect_total=services.weight_total([a.weight for a in aspects]),
            aspect_problem=aspect_problem,
            locked_message=None if self.editable else locked_message(self.stage),
            can_delete_stage=self.editable and self.edition.in_setup,
            stage_comments=(
                comment_queries.stage_comments(self.stage, aspects)
                if self.request.user.has_perm("assessments.view_criteria_comments", self.edition)
                else None
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.editable:
            messages.error(request, locked_message(self.stage))
            return redirect(self.criteria_url())
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            criteria.save_stage(form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("The stage settings were saved."))
        return redirect(self.criteria_url())


class StageDeleteView(ConfirmDeleteMixin, CriteriaEditMixin, PermissionRequiredMixin, View):
    def confirmation(self):
        stage = self.stage
        aspects = stage.aspects.count()
        indicators = Indicator.objects.filter(aspect__stage=stage).count()
        return {
            "stage": stage,
            "title": _("Remove the stage %(name)s") % {"name": stage.name},
            "question": _("Remove the stage “%(name)s” from %(edition)s?")
            % {"name": stage.name, "edition": self.edition},
            "consequences": [
                ngettext("%(count)s aspect", "%(count)s aspects", aspects) % {"count": aspects},
                ngettext(
                    "%(count)s indicator with its rubric levels",
                    "%(count)s indicators with their rubric levels",
                    indicators,
                )
                % {"count": indicators},
            ],
            "problems": []
            if self.edition.in_setup
            else [_("This stage can no longer be removed: the assessment has started.")],
            "confirm_label": _("Remove the stage"),
            "back_url": self.criteria_url(),
        }

    def post(self, request, *args, **kwargs):
        try:
            services.delete_stage(self.stage)
        except ValidationError as error:
            messages.error(request, " ".join(_error_messages(error)))
            return redirect(self.criteria_url())
        messages.success(request, _("The stage %(name)s was removed.") % {"name": self.stage.name})
        return redirect(self.detail_url())


class StageCriteriaCopyView(CriteriaEditMixin, PermissionRequiredMixin, FormView):
    """Copy another stage's criteria (of this edition or another of the province) into this stage."""

    template_name = "assessments/editions/stage_criteria_copy.html"
    form_class = CriteriaCopyForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "sources": configuration.stages_to_copy_from(self.stage),
            "replaces": self.stage.aspects.exists(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            aspect_count=self.stage.aspects.count(),
            indicator_count=Indicator.objects.filter(aspect__stage=self.stage).count(),
            back_url=self.criteria_url(),
            **kwargs,
        )

    def form_valid(self, form):
        source = form.cleaned_data["source"]
        try:
            configuration.copy_stage_criteria(source, self.stage)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The criteria of %(source)s (%(edition)s) were copied into this stage.")
            % {"source": source.name, "edition": source.edition.name},
        )
        return redirect(self.criteria_url())


def _warn_weights(request, problem):
    """After a save: the level is allowed to be incomplete for now, but the admin must see it."""
    if problem:
        messages.warning(request, problem)


class AspectFormView(CriteriaEditMixin, PermissionRequiredMixin, FormView):
    template_name = "assessments/editions/item_form.html"
    form_class = AspectForm

    @cached_property
    def aspect(self):
        if "aspect_pk" not in self.kwargs:
            return None
        return get_object_or_404(Aspect, stage=self.stage, pk=self.kwargs["aspect_pk"])

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "stage": self.stage, "instance": self.aspect}
        return kwargs

    def get_initial(self):
        return {} if self.aspect else {"order": services.next_order(self.stage.aspects.all())}

    def get_context_data(self, **kwargs):
        title = _("Edit aspect") if self.aspect else _("New aspect")
        form = kwargs.get("form") or self.get_form()
        return super().get_context_data(
            title=title, back_url=self.criteria_url(), weight_note=form.weight_note(), **kwargs
        )

    @transaction.atomic
    def form_valid(self, form):
        try:
            criteria.save_criterion(form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        aspects = self.stage.aspects.values_list("weight", flat=True)
        _warn_weights(
            self.request,
            services.weight_total_problem(aspects, _("the aspects of stage “%(name)s”") % {"name": self.stage.name}),
        )
        messages.success(self.request, _("The aspect was saved."))
        return redirect(self.criteria_url())


class IndicatorFormView(CriteriaEditMixin, PermissionRequiredMixin, FormView):
    template_name = "assessments/editions/indicator_form.html"
    form_class = IndicatorForm

    @cached_property
    def aspect(self):
        return get_object_or_404(Aspect, stage=self.stage, pk=self.kwargs["aspect_pk"])

    @cached_property
    def indicator(self):
        if "indicator_pk" not in self.kwargs:
            return None
        return get_object_or_404(Indicator, aspect=self.aspect, pk=self.kwargs["indicator_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "aspect": self.aspect, "instance": self.indicator}

    def get_initial(self):
        return {} if self.indicator else {"order": services.next_order(self.aspect.indicators.all())}

    def get_levels(self):
        return RubricLevelFormSet(self.request.POST or None, instance=self.indicator or Indicator(), prefix="levels")

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        kwargs.setdefault("levels", self.get_levels())
        return super().get_context_data(
            title=_("Edit indicator") if self.indicator else _("New indicator"),
            aspect=self.aspect,
            back_url=self.criteria_url(),
            weight_note=form.weight_note(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        levels = self.get_levels()
        levels.check_against(form)
        if not (form.is_valid() and levels.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, levels=levels))
        try:
            indicator = form.save(commit=False)
            levels.instance = indicator
            criteria.save_indicator(indicator, levels.save(commit=False), levels.deleted_objects)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form, levels=levels))
        weights = self.aspect.indicators.values_list("weight", flat=True)
        _warn_weights(
            request,
            services.weight_total_problem(weights, _("the indicators of “%(name)s”") % {"name": self.aspect.name}),
        )
        messages.success(request, _("The indicator was saved."))
        return redirect(self.criteria_url())


class CriteriaItemDeleteView(ConfirmDeleteMixin, CriteriaEditMixin, PermissionRequiredMixin, View):
    """Remove an aspect (with its indicators) or an indicator, after a confirmation page."""

    @cached_property
    def item(self):
        kwargs = self.kwargs
        if "indicator_pk" in kwargs:
            return get_object_or_404(
                Indicator, aspect__stage=self.stage, aspect_id=kwargs["aspect_pk"], pk=kwargs["indicator_pk"]
            )
        return get_object_or_404(Aspect, stage=self.stage, pk=kwargs["aspect_pk"])

    def confirmation(self):
        item = self.item
        if isinstance(item, Aspect):
            names = list(item.indicators.order_by("order").values_list("name", flat=True))
            title = _("Remove the aspect %(name)s") % {"name": item.name}
            consequences = [_("the indicator “%(name)s”") % {"name": name} for name in names]
            confirm = _("Remove the aspect")
        else:
            levels = item.levels.count()
            title = _("Remove the indicator %(name)s") % {"name": item.name}
            consequences = (
                [ngettext("%(count)s rubric level", "%(count)s rubric levels", levels) % {"count": levels}]
                if levels
                else []
            )
            confirm = _("Remove the indicator")
        return {
            "stage": self.stage,
            "title": title,
            "question": _("Remove “%(name)s” from the stage %(stage)s?")
            % {"name": item.name, "stage": self.stage.name},
            "consequences": consequences,
            "problems": [],
            "confirm_label": confirm,
            "back_url": self.criteria_url(),
        }

    def post(self, request, *args, **kwargs):
        item = self.item
        try:
            criteria.delete_criterion(item)
        except ValidationError as error:
            messages.error(request, " ".join(_error_messages(error)))
            return redirect(self.criteria_url())
        except ProtectedError:
            # Evidence already uploaded for an indicator keeps it (and its aspect) in place.
            message = _("“%(name)s” has evidence uploaded for it and cannot be removed.")
            messages.error(request, message % {"name": item.name})
            return redirect(self.criteria_url())
        messages.success(request, _("“%(name)s” was removed.") % {"name": item.name})
        return redirect(self.criteria_url())
