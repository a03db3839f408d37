"""The life of an edition: draft → nomination → assessment → final → published.

Moves go forward one step at a time. Two moves go back: "reopen the assessment" from FINAL to
ASSESSMENT, because a panel that finds a mistake after closing must be able to correct it before
anything is published; and "withdraw the publication" from PUBLISHED to FINAL, with a reason that
the public results page then shows (``withdraw_publication``): the frozen results are dropped and
the edition's printed documents withdrawn; publishing again freezes the ranking anew. The history
(EditionTransition) keeps both the publication and its withdrawal.

Publishing and withdrawing go through their confirmation pages only (``publish`` and
``withdraw_publication``); ``move_edition`` refuses them (``CONFIRMED_MOVES``).

Preconditions of each move (checked on the locked edition row, inside the move's transaction):

- to NOMINATION: at least one stage; every stage has aspects and every aspect indicators; the
  configuration is valid (weights add up to 100 at every level, rubrics have their levels). From
  here on kecamatan are nominated against these criteria, so they must be complete.
- to ASSESSMENT: at least one accepted participant and no nomination still awaiting a decision.
  The first stage's participants (StageEntry) are created from the accepted ones if it has none.
- to FINAL: no score sheet still in progress or assigned but never started (conflicted pairs
  excluded), and every stage has submitted sheets (a stage nobody scored would make the ranking
  meaningless).
- to PUBLISHED: the awards are confirmed and still match the final ranking
  (``awards.publication_problems``); the move freezes the ranking (``awards.freeze_results``).
- back to ASSESSMENT: none beyond the order of states.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain import chain, replay
from assessments.domain.advancing import ensure_first_stage_entries
from assessments.domain.awards import freeze_results, publication_problems
from assessments.domain.configuration import export_configuration
from assessments.domain.conflicts import assignments_without_conflict, without_conflicts
from assessments.domain.edition_notices import (
    notify_nominations_open,
    notify_publication_withdrawn,
    notify_results_published,
)
from assessments.domain.editions import validate_configuration
from assessments.models import Document, Edition, EditionTransition, Participant, PublishedResult, ScoreSheet

State = Edition.State

FORWARD = {
    State.DRAFT: State.NOMINATION,
    State.NOMINATION: State.ASSESSMENT,
    State.ASSESSMENT: State.FINAL,
    State.FINAL: State.PUBLISHED,
}
BACKWARD = {State.FINAL: State.ASSESSMENT, State.PUBLISHED: State.FINAL}
# Moves made only through their own confirmation page (``publish``, ``withdraw_publication``).
CONFIRMED_MOVES = {(State.FINAL, State.PUBLISHED), (State.PUBLISHED, State.FINAL)}
# The documents a withdrawn publication takes with it (they state the winners or the scores).
RESULT_DOCUMENTS = (
    Document.Kind.DECREE,
    Document.Kind.CERTIFICATE,
    Document.Kind.RECAP,
    Document.Kind.CHAMPION_REPORT,
)
REASON_MAX_LENGTH = 1000


def allowed_moves(edition):
    """The states the edition may move to from its current state, forward first."""
    return [state for state in (FORWARD.get(edition.state), BACKWARD.get(edition.state)) if state]


def move_label(from_state, to_state):
    labels = {
        State.NOMINATION: _("Open nominations"),
        State.ASSESSMENT: _("Start the assessment"),
        State.FINAL: _("Make the results final"),
        State.PUBLISHED: _("Publish the results"),
    }
    if BACKWARD.get(from_state) == to_state:
        if from_state in Edition.PUBLISHED_STATES:
            return _("Withdraw the publication")
        return _("Reopen the assessment")
    return labels[to_state]


def precondition_problems(edition, to_state):
    """What stops the edition from moving to ``to_state`` (empty when nothing does)."""
    check = {
        State.NOMINATION: _to_nomination_problems,
        State.ASSESSMENT: _to_assessment_problems,
        State.FINAL: _to_final_problems,
        State.PUBLISHED: _to_published_problems,
    }.get(to_state)
    if check is None or (edition.state, to_state) in BACKWARD.items():
        return []
    return check(edition)


def _to_nomination_problems(edition):
    data = export_configuration(edition)
    problems = []
    if not data["stages"]:
        problems.append(_("The edition has no stage yet."))
    for stage in data["stages"]:
        if not stage["aspects"]:
            problems.append(_("Stage “%(name)s” has no aspect yet.") % {"name": stage["name"]})
        for aspect in stage["aspects"]:
            if not aspect["indicators"]:
                problems.append(
                    _("Aspect “%(name)s” of stage “%(stage)s” has no indicator yet.")
                    % {"name": aspect["name"], "stage": stage["name"]}
                )
    return problems + validate_configuration(data)


def _to_assessment_problems(edition):
    problems = []
    counts = {status: 0 for status in Participant.Status.values}
    for status in edition.participants.values_list("status", flat=True):
        counts[status] += 1
    if not counts[Participant.Status.ACCEPTED]:
        problems.append(_("No participant has been accepted yet."))
    if counts[Participant.Status.NOMINATED]:
        problems.append(
            _("%(count)s nomination(s) still await a decision.") % {"count": counts[Participant.Status.NOMINATED]}
        )
    if not edition.stages.exists():
        problems.append(_("The edition has no stage yet."))
    return problems


def _to_final_problems(edition):
    problems = []
    # A sheet voided by a conflict of interest is neither in progress nor counted.
    in_progress = without_conflicts(
        ScoreSheet.objects.filter(stage__edition=edition, status=ScoreSheet.Status.DRAFT)
    ).count()
    if in_progress:
        problems.append(_("%(count)s score sheet(s) are still in progress.") % {"count": in_progress})
    any_sheet = ScoreSheet.objects.filter(
        stage=OuterRef("stage"), assessor=OuterRef("assessor"), participant=OuterRef("participant")
    )
    for stage in edition.stages.order_by("order"):
        if not without_conflicts(stage.sheets.filter(status=ScoreSheet.Status.SUBMITTED)).exists():
            problems.append(_("Stage “%(name)s” has no submitted score sheet.") % {"name": stage.name})
            continue
        # Assigned sheets nobody opened are not "in progress" but still missing (conflicts excluded).
        unopened = assignments_without_conflict(stage).exclude(Exists(any_sheet)).count()
        if unopened:
            problems.append(
                _("Stage “%(name)s”: %(count)s assigned score sheet(s) have not been started.")
                % {"name": stage.name, "count": unopened}
            )
    return problems


def _to_published_problems(edition):
    # The awards must be confirmed and still match the ranking.
    return publication_problems(edition)


def needs_confirmation(from_state, to_state):
    """Publishing and withdrawing a publication are made on their own confirmation pages only."""
    return (from_state, to_state) in CONFIRMED_MOVES


def move_edition(edition, to_state, by, *, confirmed=False, reason=""):
    """Move the edition to ``to_state`` on behalf of ``by``; recorded, all or nothing.

    Raises PermissionDenied when ``by`` may not move this edition and ValidationError (with every
    unmet precondition) when the move is not allowed now. Returns the recorded EditionTransition.
    Publishing and withdrawing a publication need ``confirmed`` (given by ``publish`` and
    ``withdraw_publication``, the functions of their confirmation pages).
    """
    if not by.has_perm("assessments.move_edition", edition):
        raise PermissionDenied(_("Only the province admin of this edition can change its state."))
    reason = (reason or "").strip()
    with transaction.atomic():
        # The row lock makes two admins clicking at once move the edition only once.
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if to_state not in allowed_moves(locked):
            raise ValidationError(
                _("An edition in the state “%(state)s” cannot move to “%(to)s”.")
                % {"state": locked.get_state_display(), "to": _state_label(to_state)}
            )
        if needs_confirmation(locked.state, to_state) and not confirmed:
            raise ValidationError(
                _("“%(move)s” is done on its confirmation page.") % {"move": move_label(locked.state, to_state)}
            )
        problems = precondition_problems(locked, to_state)
        if problems:
            raise ValidationError(problems)
        withdrawal = locked.state in Edition.PUBLISHED_STATES and to_state not in Edition.PUBLISHED_STATES
        if withdrawal and not reason:
            raise ValidationError(
                _("Give the reason for withdrawing the publication: the public results page shows it.")
            )
        if len(reason) > REASON_MAX_LENGTH:
            raise ValidationError(
                _("The reason is too long (at most %(count)d characters).") % {"count": REASON_MAX_LENGTH}
            )
        if to_state == State.ASSESSMENT and locked.state == State.NOMINATION:
            # Explicit rows for the first stage, so that every stage's participants can be listed alike.
            ensure_first_stage_entries(locked, by=by)
        if to_state == State.PUBLISHED:
            # Published results are frozen with the move: public pages, downloads and the API read them.
            freeze_results(locked)
        if withdrawal:
            _unpublish(locked, by, reason)
        from_state = locked.state
        locked.state = to_state
        locked.save(update_fields=["state"])
        record = EditionTransition.objects.create(
            edition=locked, from_state=from_state, to_state=to_state, by=by, reason=reason
        )
        # Told once the move is committed (the e-mails go through the background worker).
        if to_state == State.NOMINATION:
            notify_nominations_open(locked)
        elif to_state == State.PUBLISHED:
            notify_results_published(locked)
        elif withdrawal:
            notify_publication_withdrawn(locked, record)
    edition.state = to_state
    return record


def _unpublish(edition, by, reason):
    """What a withdrawn publication takes with it: the frozen results (frozen again when published
    again) and the current printed documents that state them (kept, marked withdrawn, so a printed
    copy verifies as withdrawn)."""
    PublishedResult.objects.filter(edition=edition).delete()
    chain.drop_heads(edition)
    Document.objects.filter(edition=edition, kind__in=RESULT_DOCUMENTS, status=Document.Status.CURRENT).update(
        status=Document.Status.WITHDRAWN,
        withdrawn_by=by,
        withdrawn_at=timezone.now(),
        withdrawal_reason=(_("The publication of the results was withdrawn: %(reason)s") % {"reason": reason})[
            : Document._meta.get_field("withdrawal_reason").max_length
        ],
    )


def _state_label(state):
    try:
        return State(state).label
    except ValueError:
        return str(state)


def publish(edition, by):
    """Publish the results (FINAL → PUBLISHED): public at once, frozen from then on (the confirmation
    page's act). The replay of the published results from the history starts in the background: the public
    verification page shows its outcome."""
    record = move_edition(edition, State.PUBLISHED, by, confirmed=True)
    replay.start_verification(edition, by)
    return record


def result_documents(edition):
    """The current printed documents a withdrawal of the publication would withdraw (for its confirmation)."""
    return list(
        Document.objects.filter(edition=edition, kind__in=RESULT_DOCUMENTS, status=Document.Status.CURRENT)
        .select_related("participant__district")
        .order_by("kind", "pk")
    )


def withdraw_publication(edition, by, reason):
    """Withdraw a publication (PUBLISHED → FINAL) with a reason the public results page shows (the
    confirmation page's act); the awards can then be changed and the results published again."""
    return move_edition(edition, State.FINAL, by, confirmed=True, reason=reason)
