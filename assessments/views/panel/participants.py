"""Participants (nominations), assessors, assignments and reminders of an edition."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from assessments.domain import assignments, nominations, reminders
from assessments.domain.conflicts import has_conflict, is_home_regency_conflict
from assessments.forms.participants import (
    AddAssessorForm,
    AutoAssignForm,
    BulkDecideForm,
    ConflictForm,
    DecideForm,
    EnterParticipantsForm,
    NominateForm,
)
from assessments.models import Participant, Stage
from assessments.views import lookups
from assessments.views.lookups import EditionMixin
from districts.models import Regency
from sp2k.accounts.models import Role, User
from sp2k.paging import paginate
from sp2k.permissions import PermissionRequiredMixin


def _error_text(error):
    return " ".join(error.messages)


class AssignmentsMixin(lookups.StageMixin):
    """A stage's assignment pages: the stage (looked up) and its edition's stages.

    The permission object is the edition.
    """

    permission_object = "edition"

    def get_context_data(self, **kwargs):
        stages = list(self.edition.stages.order_by("order"))
        return super().get_context_data(edition=self.edition, stage=self.stage, stages=stages, **kwargs)


# --- nominations ---


class ParticipantListView(EditionMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.view_participants"
    template_name = "assessments/participants/participant_list.html"

    def get_context_data(self, nominate_form=None, **kwargs):
        user = self.request.user
        edition = self.edition
        is_open = edition.nominations_open
        paged = paginate(self.request, nominations.nominations_visible_to(user, edition))
        listed = list(paged["page_obj"].object_list)
        context = {
            **paged,
            "nominations": listed,
            "awaiting_on_page": sum(participant.is_nominated for participant in listed),
            "is_open": is_open,
            "counts": nominations.status_counts(edition),
            "can_decide": user.has_perm("assessments.decide_participant", edition) and is_open,
            "can_enter": user.has_perm("assessments.enter_participant", edition) and is_open,
            "can_withdraw": user.has_perm("assessments.withdraw_nomination", edition) and is_open,
        }
        if user.role == Role.REGENCY_ADMIN:
            context["quota_left"] = nominations.quota_left(edition, user.regency)
            if is_open and context["quota_left"]:
                context["nominate_form"] = nominate_form or NominateForm(
                    districts=nominations.nominable_districts(edition, user.regency)
                )
        return super().get_context_data(**context, **kwargs)


class NominateView(EditionMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.nominate"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = NominateForm(request.POST, districts=nominations.nominable_districts(self.edition, request.user.regency))
        if form.is_valid():
            try:
                participant = nominations.nominate(self.edition, form.cleaned_data["district"], request.user)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("Kecamatan %(name)s was nominated.") % {"name": participant.district.name})
        else:
            messages.error(request, _("Choose one of your regency's kecamatan that is not nominated yet."))
        return redirect("assessments:participant_list", edition_pk=self.edition.pk)


class ParticipantDecideView(EditionMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.decide_participant"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        participant = get_object_or_404(
            Participant.objects.select_related("district"), edition=self.edition, pk=kwargs["participant_pk"]
        )
        form = DecideForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            try:
                nominations.decide(participant, form.accept, form.cleaned_data["reason"], request.user)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                text = _("%(name)s was accepted.") if form.accept else _("%(name)s was rejected.")
                messages.success(request, text % {"name": participant.district.name})
        return redirect("assessments:participant_list", edition_pk=self.edition.pk)


class ParticipantBulkDecideView(EditionMixin, PermissionRequiredMixin, View):
    """Accept or reject the ticked nominations in one POST; each is decided (and recorded) on its own."""

    permission_required = "assessments.decide_participant"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = BulkDecideForm(request.POST, edition=self.edition)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            chosen = sorted(form.cleaned_data["participants"], key=lambda p: (p.district.regency.name, p.district.name))
            try:
                decided, refused = nominations.decide_many(
                    self.edition, chosen, form.accept, form.cleaned_data["reason"], request.user
                )
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                if decided:
                    text = (
                        _("%(count)d nominations were accepted.")
                        if form.accept
                        else _("%(count)d nominations were rejected.")
                    )
                    messages.success(request, text % {"count": len(decided)})
                for participant, why in refused:
                    messages.error(
                        request,
                        _("%(name)s was not decided: %(why)s") % {"name": participant.district.name, "why": why},
                    )
        return redirect("assessments:participant_list", edition_pk=self.edition.pk)


class ParticipantEnterView(EditionMixin, PermissionRequiredMixin, TemplateView):
    """The province admin enters kecamatan of a regency as participants, on the regency's behalf.

    GET: the regencies with their places left; with ``?kabupaten=<code>``, that regency's kecamatan not
    yet nominated, to tick. POST: enter the ticked ones (nomination rules as for the regency)."""

    permission_required = "assessments.enter_participant"
    template_name = "assessments/participants/participant_enter.html"

    def regency(self):
        code = self.request.POST.get("kabupaten") or self.request.GET.get("kabupaten")
        if not code:
            return None
        return get_object_or_404(Regency, pk=code, province_id=self.edition.province_id)

    def get_context_data(self, form=None, **kwargs):
        regency = self.regency()
        context = {"regencies": nominations.regency_quotas(self.edition), "regency": regency}
        if regency is not None:
            context["quota_left"] = nominations.quota_left(self.edition, regency)
            context["form"] = form or EnterParticipantsForm(
                districts=nominations.enterable_districts(self.edition, regency)
            )
        return super().get_context_data(is_open=self.edition.nominations_open, **context, **kwargs)

    def post(self, request, *args, **kwargs):
        regency = self.regency()
        if regency is None:
            raise Http404
        form = EnterParticipantsForm(request.POST, districts=nominations.enterable_districts(self.edition, regency))
        if form.is_valid():
            try:
                entered = nominations.enter_participants(self.edition, form.cleaned_data["districts"], request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(count)d kecamatan of %(regency)s were entered as participants on the regency's behalf.")
                    % {"count": len(entered), "regency": regency.name},
                )
                return redirect("assessments:participant_list", edition_pk=self.edition.pk)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class NominationWithdrawView(lookups.ParticipantMixin, PermissionRequiredMixin, View):
    """The regency admin withdraws its own regency's nomination while nominations are open."""

    permission_required = "assessments.withdraw_participant"
    http_method_names = ["post"]

    def get_participants(self):
        return super().get_participants().filter(edition_id=self.kwargs["edition_pk"])

    def post(self, request, *args, **kwargs):
        participant = self.participant
        try:
            nominations.withdraw(participant, request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("The nomination of %(name)s was withdrawn; its place is free again.")
                % {"name": participant.district.name},
            )
        return redirect("assessments:participant_list", edition_pk=self.edition.pk)


# --- assessors ---


class AssessorListView(EditionMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.manage_assessors"
    template_name = "assessments/participants/assessor_list.html"

    def get_context_data(self, **kwargs):
        edition = self.edition
        stages = list(edition.stages.order_by("order"))
        last = reminders.last_reminders(edition)
        return super().get_context_data(
            assessors=assignments.edition_assessors(edition),
            conflicts=assignments.declared_conflicts(edition),
            add_form=AddAssessorForm(candidates=assignments.assessor_candidates(edition)),
            stages=[(stage, last.get(stage.pk)) for stage in stages],
            under_assessment=edition.scoring_open,
            **kwargs,
        )


class AssessorAddView(EditionMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.manage_assessors"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AddAssessorForm(request.POST, candidates=assignments.assessor_candidates(self.edition))
        if form.is_valid():
            try:
                assignments.add_assessor(self.edition, form.cleaned_data["user"])
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("%(name)s was added as an assessor.") % {"name": form.cleaned_data["user"]})
        else:
            messages.error(request, _("Choose an active assessor account of this province."))
        return redirect("assessments:assessor_list", edition_pk=self.edition.pk)


class AssessorRemoveView(EditionMixin, PermissionRequiredMixin, View):
    permission_required = "assessments.manage_assessors"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        user = get_object_or_404(User, pk=kwargs["user_pk"], assessor_memberships__edition=self.edition)
        try:
            assignments.remove_assessor(self.edition, user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("%(name)s is no longer an assessor of this edition.") % {"name": user})
        return redirect("assessments:assessor_list", edition_pk=self.edition.pk)


# --- assignments ---


class AssignmentMatrixView(AssignmentsMixin, PermissionRequiredMixin, TemplateView):
    """GET: the matrix. POST (htmx, one checkbox): assign or unassign one pair, answer with the cell."""

    permission_required = "assessments.manage_assessors"
    template_name = "assessments/participants/assignment_matrix.html"

    def get_context_data(self, **kwargs):
        matrix = assignments.assignment_matrix(self.stage, self.request.GET.get("page"))
        return super().get_context_data(
            matrix=matrix,
            page_obj=matrix.page,
            page_range=matrix.page.paginator.get_elided_page_range(matrix.page.number, on_each_side=1, on_ends=1),
            auto_form=AutoAssignForm(),
            editable=not self.edition.results_final,
            locked=self.edition.results_final,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            assessor_id, participant_id = (int(part) for part in request.POST.get("pair", "").split("-"))
        except ValueError:
            raise Http404 from None
        assessor = get_object_or_404(User, pk=assessor_id, assessor_memberships__edition=self.edition)
        participant = get_object_or_404(
            Participant.objects.select_related("district"), pk=participant_id, edition=self.edition
        )
        wanted = request.POST.get("assigned") == "on"
        error = ""
        try:
            assignments.set_assignment(self.stage, assessor, participant, wanted)
        except ValidationError as exc:
            error = _error_text(exc)
        conflict = ""
        if has_conflict(assessor, participant):
            conflict = "home" if is_home_regency_conflict(assessor, participant) else "declared"
        cell = assignments.Cell(
            assessor,
            participant,
            self.stage.assignments.filter(assessor=assessor, participant=participant).exists(),
            conflict,
            self.stage.sheets.filter(assessor=assessor, participant=participant).exists(),
        )
        context = {"cell": cell, "stage": self.stage, "edition": self.edition, "error": error, "locked": False}
        response = TemplateResponse(request, "assessments/participants/_cell.html", context)
        if not request.htmx:
            if error:
                messages.error(request, error)
            return redirect("assessments:assignment_matrix", edition_pk=self.edition.pk, stage_pk=self.stage.pk)
        return response


class AutoAssignView(AssignmentsMixin, PermissionRequiredMixin, TemplateView):
    """POST mode=all: assign everyone. POST mode=propose: show a k-per-participant proposal (nothing
    saved). POST mode=apply: recompute the same proposal and save it, if nothing changed meanwhile."""

    permission_required = "assessments.manage_assessors"
    template_name = "assessments/participants/assignment_proposal.html"
    http_method_names = ["post"]

    def to_matrix(self):
        return redirect("assessments:assignment_matrix", edition_pk=self.edition.pk, stage_pk=self.stage.pk)

    def post(self, request, *args, **kwargs):
        mode = request.POST.get("mode")
        try:
            if mode == "all":
                added = assignments.assign_all(self.stage)
                messages.success(request, _("%(count)d assignments were added.") % {"count": added})
                return self.to_matrix()
            form = AutoAssignForm(request.POST)
            if not form.is_valid() or mode not in ("propose", "apply"):
                messages.error(request, _("Give the number of assessors per participant (at least 1)."))
                return self.to_matrix()
            proposal = assignments.propose_k_per_participant(
                self.stage, form.cleaned_data["k"], form.cleaned_data["seed"]
            )
            if mode == "apply":
                if request.POST.get("fingerprint") == proposal.fingerprint:
                    added, removed = assignments.apply_proposal(proposal)
                    messages.success(
                        request,
                        _("The assignments were saved: %(added)d added, %(removed)d removed.")
                        % {"added": added, "removed": removed},
                    )
                    return self.to_matrix()
                messages.warning(request, _("Assessors or participants changed meanwhile; check the new proposal."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return self.to_matrix()
        return self.render_to_response(self.get_context_data(proposal=proposal, form=form))


# --- reminders and conflicts ---


class SendRemindersView(EditionMixin, PermissionRequiredMixin, TemplateView):
    """GET: who would be reminded of what (or why the button may not send now); POST: send."""

    permission_required = "assessments.send_reminders"
    template_name = "assessments/participants/send_reminders.html"

    @cached_property
    def stage(self):
        pk = self.request.POST.get("stage") or self.request.GET.get("stage")
        if not pk:
            return None
        if not str(pk).isdigit():
            raise Http404
        return get_object_or_404(Stage, edition=self.edition, pk=pk)

    def back_url(self):
        if self.stage is not None:
            return reverse("assessments:assignment_matrix", args=[self.edition.pk, self.stage.pk])
        return reverse("assessments:assessor_list", args=[self.edition.pk])

    def get_context_data(self, **kwargs):
        edition = self.edition
        scoring = edition.scoring_open
        return super().get_context_data(
            edition=edition,
            stage=self.stage,
            scoring=scoring,
            refusal=reminders.manual_refusal(edition, self.stage) if scoring else None,
            reminders=reminders.reminders_due(edition=edition, stage=self.stage) if scoring else [],
            back_url=self.back_url(),
            manual_hours=settings.MANUAL_REMINDER_HOURS,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.edition.scoring_open:
            messages.error(request, _("Reminders are sent only while the edition is in assessment."))
            return redirect(self.back_url())
        try:
            sent = reminders.send_manual_reminders(self.edition, request.user, stage=self.stage)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(request.get_full_path())
        if sent:
            messages.success(
                request,
                ngettext(
                    "%(count)d assessor was reminded (a notice, and an e-mail when it has an address).",
                    "%(count)d assessors were reminded (a notice, and an e-mail when they have an address).",
                    sent,
                )
                % {"count": sent},
            )
        else:
            messages.info(request, _("No reminder was needed: no assessor has unfinished sheets."))
        return redirect(self.back_url())


class ConflictDeclareView(EditionMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "assessments.declare_conflict"
    template_name = "assessments/participants/conflict_declare.html"

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            form=form or ConflictForm(edition=self.edition),
            my_conflicts=assignments.declared_conflicts(self.edition).filter(assessor=self.request.user),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ConflictForm(request.POST, edition=self.edition)
        if form.is_valid():
            participant, regency = form.cleaned_data["participant"], form.cleaned_data["regency"]
            try:
                if regency is not None:
                    assignments.declare_regency_conflict(
                        request.user, self.edition, regency, form.cleaned_data["reason"]
                    )
                else:
                    assignments.declare_conflict(request.user, participant, form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your conflict of interest with %(name)s was recorded; you will not score it.")
                    % {"name": regency.name if regency is not None else participant.district.name},
                )
                return redirect("assessments:conflict_declare", edition_pk=self.edition.pk)
        return self.render_to_response(self.get_context_data(form=form))
