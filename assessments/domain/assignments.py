"""Assessors of an edition, who scores whom at each stage, and conflicts of interest.

Conflicts follow one rule everywhere (see ``selectors.has_conflict``): an assessor conflicts with every
kecamatan of its home regency, and with any participant it declared a conflict with. Nothing here ever
assigns a conflicted pair. For many pairs at once the same rule is evaluated in bulk
(``conflict_pairs``), so that pages and proposals keep a fixed number of queries.
"""

import hashlib
import random
from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from assessments.domain.awards import withdraw_on_change
from assessments.domain.conflicts import (
    assignments_without_conflict,
    declared_pairs,
    has_conflict,
    is_home_regency_conflict,
    with_conflict_flags,
)
from assessments.domain.edition_notices import notify_sheets_assigned
from assessments.models import Assignment, Conflict, Edition, EditionAssessor, ScoreSheet, StageAdvance
from assessments.queries.stages import stage_participants
from sp2k.accounts.models import HomeRegencyChange, Role, User


def _require_editable(edition):
    if edition.results_final:
        raise ValidationError(
            _("The results of %(edition)s are final; its assessors can no longer change.") % {"edition": edition}
        )


# --- assessors of an edition ---


def assessor_candidates(edition):
    """Active assessor accounts of the edition's province not yet in the edition."""
    return (
        User.objects.filter(role=Role.ASSESSOR, province_id=edition.province_id, is_active=True)
        .exclude(assessor_memberships__edition=edition)
        .select_related("regency")
        .order_by("full_name", "username")
    )


def edition_assessors(edition):
    """The edition's assessors (users), with their home regency, by name."""
    return (
        User.objects.filter(assessor_memberships__edition=edition)
        .select_related("regency")
        .order_by("full_name", "username")
    )


def add_assessor(edition, user):
    _require_editable(edition)
    if user.role != Role.ASSESSOR or user.province_id != edition.province_id or not user.is_active:
        raise ValidationError(_("Only an active assessor account of the edition's province can be added."))
    try:
        with transaction.atomic():
            return EditionAssessor.objects.create(edition=edition, user=user)
    except IntegrityError:
        raise ValidationError(_("%(name)s is already an assessor of this edition.") % {"name": user}) from None


@transaction.atomic
def remove_assessor(edition, user):
    """Take an assessor out of the edition, with its assignments; refused once it has started scoring."""
    _require_editable(edition)
    if ScoreSheet.objects.filter(stage__edition=edition, assessor=user).exists():
        raise ValidationError(
            _("%(name)s has already opened score sheets in this edition and cannot be removed.") % {"name": user}
        )
    Assignment.objects.filter(stage__edition=edition, assessor=user).delete()
    deleted, _rows = EditionAssessor.objects.filter(edition=edition, user=user).delete()
    return bool(deleted)


# --- conflicts of interest ---


def _frozen_advance(assessor, participants):
    """The advance (not reverted) whose ranking counted a submitted sheet of ``assessor`` for one of
    ``participants`` (a condition on participants, e.g. ``{"participant": p}``), with that sheet's participant."""
    filters = {f"from_stage__sheets__{key}": value for key, value in participants.items()}
    return (
        StageAdvance.objects.filter(
            from_stage__sheets__assessor=assessor,
            from_stage__sheets__status=ScoreSheet.Status.SUBMITTED,
            reverted_at__isnull=True,
            **filters,
        )
        .select_related("from_stage")
        .first()
    )


def conflict_problems(assessor, participant, reason, *, regency=None, edition=None):
    """What stops ``assessor`` from declaring a conflict with ``participant`` (or with every kecamatan of
    ``regency`` in ``edition``) now (a ValidationError), else None.

    Asked by ``declare_conflict``, ``declare_regency_conflict`` and by the Django admin's form, so all refuse alike.
    """
    edition = participant.edition if participant is not None else edition
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why you have a conflict of interest.")})
    if edition.results_final:
        raise ValidationError(_("The results of this edition are final."))
    if not EditionAssessor.objects.filter(edition=edition, user=assessor).exists():
        raise ValidationError(_("Only an assessor of this edition can declare a conflict with its participants."))
    if regency is not None:
        if regency.province_id != edition.province_id:
            raise ValidationError({"regency": _("Choose a regency or city of the edition's province.")})
        if Conflict.objects.filter(edition=edition, assessor=assessor, regency=regency).exists():
            raise ValidationError(_("You have already declared a conflict with %(regency)s.") % {"regency": regency})
        covered = {"participant__district__regency": regency, "participant__edition": edition}
    else:
        if Conflict.objects.filter(assessor=assessor, participant=participant).exists():
            raise ValidationError(
                _("You have already declared a conflict with %(participant)s.") % {"participant": participant}
            )
        covered = {"participant": participant}
    frozen = _frozen_advance(assessor, covered)
    if frozen is not None:
        # The sheet counted in the ranking that chose who went on: voiding it now would change that
        # ranking behind the advance. The province admin reverts the advance first.
        raise ValidationError(
            _(
                "Your submitted sheet of %(participant)s counted in the ranking of stage “%(stage)s”, whose "
                "participants have already gone on. Ask the province admin to revert that advance first."
            )
            % {"participant": participant or regency, "stage": frozen.from_stage}
        )


def declare_conflict(assessor, participant, reason):
    """An assessor declares a conflict of interest with a participant (a reason is required).

    The assessor's sheets of the participant (draft or submitted) are void from then on, in the same
    transaction: they are no longer scored, submitted or counted (``conflicts.without_conflicts``), and
    a confirmation of the awards that counted one of them is withdrawn (recorded with the reason). Its
    assignments of the participant become conflicted: the participant is short of an assessor until the
    province admin applies a replacement (``propose_replacements``).
    """
    return _declare(assessor, participant.edition, reason, participant=participant)


def declare_regency_conflict(assessor, edition, regency, reason):
    """An assessor declares a conflict of interest with a whole regency or city (its government is the
    assessor's institution or employer): every kecamatan of it in the edition, as ``declare_conflict`` does
    for one."""
    return _declare(assessor, edition, reason, regency=regency)


def _declare(assessor, edition, reason, participant=None, regency=None):
    reason = (reason or "").strip()
    subject = participant if participant is not None else regency
    with transaction.atomic():
        # Locking the covered sheets orders the declaration against a save or submit in progress on them.
        covered = (
            {"participant": participant} if participant is not None else {"participant__district__regency": regency}
        )
        sheets = list(
            ScoreSheet.objects.select_for_update()
            .filter(stage__edition=edition, assessor=assessor, **covered)
            .order_by("pk")
        )
        conflict_problems(assessor, participant, reason, regency=regency, edition=edition)
        try:
            with transaction.atomic():
                conflict = Conflict.objects.create(
                    edition=edition, assessor=assessor, participant=participant, regency=regency, reason=reason
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already declared a conflict with %(participant)s.") % {"participant": subject}
            ) from None
        if any(sheet.status == ScoreSheet.Status.SUBMITTED for sheet in sheets):
            withdraw_on_change(
                edition,
                assessor,
                _("%(assessor)s declared a conflict of interest with %(participant)s; their sheets no longer count.")
                % {"assessor": assessor, "participant": subject},
            )
    return conflict


def declared_conflicts(edition):
    return (
        Conflict.objects.filter(edition=edition)
        .select_related("assessor", "participant__district__regency", "regency")
        .order_by("assessor__full_name", "regency__name", "participant__district__name")
    )


def conflict_pairs(edition, assessors, participants):
    """{(assessor_id, participant_id): "home" | "declared"} for the given people (one query).

    ``participants`` must have ``district`` loaded (select_related) so the home-regency rule costs
    nothing.
    """
    pairs = dict.fromkeys(declared_pairs([a.pk for a in assessors], participants), "declared")
    for assessor in assessors:
        for participant in participants:
            if is_home_regency_conflict(assessor, participant):
                pairs[(assessor.pk, participant.pk)] = "home"
    return pairs


# --- who is in a stage ---


def _stage_participants(stage):
    return stage_participants(stage).select_related("district__regency").order_by("district__name", "pk")


# --- assignments ---


def _pairs_with_sheets(stage):
    return set(ScoreSheet.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))


@transaction.atomic
def assign_all(stage):
    """Every assessor of the edition scores every participant of the stage, conflicts excepted.

    Existing assignments stay; returns how many were added.
    """
    _require_editable(stage.edition)
    assessors = list(edition_assessors(stage.edition))
    participants = list(_stage_participants(stage))
    conflicts = conflict_pairs(stage.edition, assessors, participants)
    existing = set(Assignment.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))
    new = [
        Assignment(stage=stage, assessor_id=a.pk, participant_id=p.pk)
        for a in assessors
        for p in participants
        if (a.pk, p.pk) not in conflicts and (a.pk, p.pk) not in existing
    ]
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    notify_sheets_assigned(stage, [a for a in assessors if a.pk in {n.assessor_id for n in new}])
    return len(new)


def set_assignment(stage, assessor, participant, assigned):
    """Toggle one cell of the matrix. Refuses a conflicted pair and unassigning a started sheet."""
    _require_editable(stage.edition)
    if participant.edition_id != stage.edition_id:
        raise ValidationError(_("This participant is not in the edition."))
    if assigned:
        if not EditionAssessor.objects.filter(edition=stage.edition, user=assessor).exists():
            raise ValidationError(_("%(name)s is not an assessor of this edition.") % {"name": assessor})
        if has_conflict(assessor, participant):
            raise ValidationError(
                _("%(name)s has a conflict of interest with %(participant)s.")
                % {"name": assessor, "participant": participant}
            )
        Assignment.objects.get_or_create(stage=stage, assessor=assessor, participant=participant)
        return
    if ScoreSheet.objects.filter(stage=stage, assessor=assessor, participant=participant).exists():
        raise ValidationError(
            _("%(name)s has already opened the sheet of %(participant)s; the assignment stays.")
            % {"name": assessor, "participant": participant}
        )
    Assignment.objects.filter(stage=stage, assessor=assessor, participant=participant).delete()


# --- the matrix page ---


MATRIX_PAGE_SIZE = 50  # participants (rows) per page of the matrix; every assessor stays a column


@dataclass
class Matrix:
    stage: object
    assessors: list
    participants: list  # the participants of this page
    rows: list  # [(participant, [cell, ...])], a cell per assessor in the order of ``assessors``
    loads: list  # [(assessor, count)], counted over the whole stage
    short: list = field(default_factory=list)  # the whole stage's participants_short_of_assessors
    page: object = None  # the page of participants (django.core.paginator.Page)


@dataclass
class Cell:
    assessor: object
    participant: object
    assigned: bool
    conflict: str  # "", "home" or "declared"
    started: bool

    @property
    def pair(self):
        return f"{self.assessor.pk}-{self.participant.pk}"


def _stage_loads(stage):
    """{assessor_id: assignments free of conflict} over the whole stage (one query)."""
    rows = assignments_without_conflict(stage).values("assessor_id").annotate(n=Count("pk"))
    return {row["assessor_id"]: row["n"] for row in rows}


def assignment_matrix(stage, page=1, per_page=MATRIX_PAGE_SIZE):
    """One page of the stage's participants × all the edition's assessors, with assignment, conflict and
    sheet state; the loads and the participants short of an assessor count the whole stage.

    A fixed number of queries whatever the size: the page's rows cost the same at 30 or 7,000 participants.
    """
    assessors = list(edition_assessors(stage.edition))
    paginator = Paginator(_stage_participants(stage), per_page)
    page = paginator.get_page(page)
    participants = list(page.object_list)
    ids = [p.pk for p in participants]
    conflicts = conflict_pairs(stage.edition, assessors, participants)
    existing = set(
        Assignment.objects.filter(stage=stage, participant_id__in=ids).values_list("assessor_id", "participant_id")
    )
    started = set(
        ScoreSheet.objects.filter(stage=stage, participant_id__in=ids).values_list("assessor_id", "participant_id")
    )
    rows = [
        (
            participant,
            [
                Cell(
                    assessor,
                    participant,
                    (assessor.pk, participant.pk) in existing,
                    conflicts.get((assessor.pk, participant.pk), ""),
                    (assessor.pk, participant.pk) in started,
                )
                for assessor in assessors
            ],
        )
        for participant in participants
    ]
    loads = _stage_loads(stage) if assessors else {}
    short = participants_short_of_assessors(stage) if assessors else []
    return Matrix(stage, assessors, participants, rows, [(a, loads.get(a.pk, 0)) for a in assessors], short, page=page)


# --- k assessors per participant ---


@dataclass
class Proposal:
    """A proposed complete set of assignments for a stage; nothing is saved until ``apply_proposal``."""

    stage: object
    k: int
    seed: int
    pairs: frozenset  # {(assessor_id, participant_id)}
    assessors: list
    participants: list
    kept: frozenset = field(default_factory=frozenset)  # pairs kept because their sheet was already opened
    short: list = field(default_factory=list)  # participants with fewer than k assessors free of conflict
    existing: frozenset = field(default_factory=frozenset)  # the stage's assignments when proposed

    @property
    def added(self):
        return len(self.pairs - self.existing)

    @property
    def removed(self):
        return len(self.existing - self.pairs)

    @property
    def fingerprint(self):
        """Identifies the proposal, so that applying it can check nothing changed since it was shown."""
        text = f"{self.stage.pk}:{self.k}:" + ";".join(f"{a}-{p}" for a, p in sorted(self.pairs))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def loads(self):
        counts = defaultdict(int)
        for assessor_id, _participant_id in self.pairs:
            counts[assessor_id] += 1
        return [(assessor, counts[assessor.pk]) for assessor in self.assessors]

    def rows(self):
        by_participant = defaultdict(list)
        names = {a.pk: a for a in self.assessors}
        for assessor_id, participant_id in self.pairs:
            by_participant[participant_id].append(names[assessor_id])
        return [(p, sorted(by_participant[p.pk], key=lambda a: (a.full_name, a.username))) for p in self.participants]


def propose_k_per_participant(stage, k, seed=0):
    """Give every participant ``k`` assessors free of conflict, spreading the load evenly.

    Most constrained participants are served first by the least loaded assessors (ties broken by a
    random order fixed by ``seed``); then single assignments are moved along chains of eligible
    swaps until no assessor has two more than another one it could hand work to. Pairs whose sheet
    was already opened are kept and count towards k. Existing assignments free of conflict stay as they are
    where they do not exceed k (only what must change changes: a conflict among 90 assignments moves one).
    Deterministic for a given seed and data.
    """
    if k < 1:
        raise ValidationError(_("Each participant needs at least one assessor."))
    assessors = list(edition_assessors(stage.edition))
    participants = list(_stage_participants(stage))
    conflicts = conflict_pairs(stage.edition, assessors, participants)
    started = _pairs_with_sheets(stage)
    rng = random.Random(seed)
    order = {a.pk: i for i, a in enumerate(rng.sample(assessors, len(assessors)))}
    eligible = {p.pk: [a.pk for a in assessors if (a.pk, p.pk) not in conflicts] for p in participants}
    kept = frozenset(pair for pair in started if pair[1] in eligible and pair[0] in order and pair not in conflicts)
    existing = frozenset(Assignment.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))
    valid = {pair for pair in existing if pair[1] in eligible and pair[0] in order and pair not in conflicts}

    load = {a.pk: 0 for a in assessors}
    given = defaultdict(set)
    for assessor_id, participant_id in kept:
        given[participant_id].add(assessor_id)
        load[assessor_id] += 1
    fixed = set(kept)
    staying = defaultdict(list)
    for assessor_id, participant_id in sorted(valid - kept):
        staying[participant_id].append(assessor_id)
    for participant_id, assessor_ids in staying.items():
        if len(given[participant_id]) + len(assessor_ids) <= k:  # all of them fit: none has to move
            for assessor_id in assessor_ids:
                given[participant_id].add(assessor_id)
                load[assessor_id] += 1
                fixed.add((assessor_id, participant_id))
    queue = rng.sample(participants, len(participants))
    queue.sort(key=lambda p: len(eligible[p.pk]))  # stable: the seed still orders equals
    short = []
    for participant in queue:
        free = [a for a in eligible[participant.pk] if a not in given[participant.pk]]
        need = k - len(given[participant.pk])
        # Assessors already assigned to the participant come first: fewer changes.
        chosen = sorted(free, key=lambda a: ((a, participant.pk) not in valid, load[a], order[a]))[: max(need, 0)]
        for assessor_id in chosen:
            given[participant.pk].add(assessor_id)
            load[assessor_id] += 1
        if len(given[participant.pk]) < k:
            short.append(participant)

    _balance(given, load, eligible, frozenset(fixed), order)
    pairs = frozenset((a, p) for p, chosen in given.items() for a in chosen)
    short.sort(key=lambda p: (p.district.name, p.pk))
    return Proposal(stage, k, seed, pairs, assessors, participants, kept, short, existing)


def _balance(given, load, eligible, kept, order):
    """Move single assignments from the busiest assessors towards the least busy ones.

    Moving participant p from assessor a to assessor b is allowed when b may score p and does not
    already; a breadth-first search finds a chain a → … → b with load[b] ≤ load[a] − 2, and shifting
    along it lowers a by one and raises b by one. Stops when no such chain exists.
    """
    eligible_sets = {p: set(ids) for p, ids in eligible.items()}
    for _round in range(10_000):  # a bound, never reached in practice: each move lowers the spread
        moved = False
        for source in sorted(load, key=lambda a: (-load[a], order[a])):
            path = _find_chain(source, given, load, eligible_sets, kept, order)
            if path:
                for participant_id, from_id, to_id in path:
                    given[participant_id].discard(from_id)
                    given[participant_id].add(to_id)
                load[path[0][1]] -= 1
                load[path[-1][2]] += 1
                moved = True
                break
        if not moved:
            return


def _find_chain(source, given, load, eligible_sets, kept, order):
    # Participants each assessor holds (movable ones only), in a fixed order for determinism.
    holds = defaultdict(list)
    for participant_id in sorted(given):
        for assessor_id in given[participant_id]:
            if (assessor_id, participant_id) not in kept:
                holds[assessor_id].append(participant_id)
    previous = {source: None}
    queue = deque([source])
    while queue:
        current = queue.popleft()
        for participant_id in holds[current]:
            for target in sorted(eligible_sets[participant_id] - given[participant_id], key=lambda a: order[a]):
                if target in previous:
                    continue
                previous[target] = (current, participant_id)
                if load[target] <= load[source] - 2:
                    path = []
                    node = target
                    while previous[node] is not None:
                        parent, moved_participant = previous[node]
                        path.append((moved_participant, parent, node))
                        node = parent
                    return list(reversed(path))
                queue.append(target)
    return None


@transaction.atomic
def apply_proposal(proposal):
    """Save a proposal: the stage's assignments become exactly its pairs (opened sheets stay, unless their
    assessor has a conflict of interest with the participant: that sheet is void and its assessor leaves)."""
    stage = proposal.stage
    _require_editable(stage.edition)
    existing = set(Assignment.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))
    started = _pairs_with_sheets(stage) - _conflicted_pairs(stage)
    to_remove = existing - proposal.pairs - started
    Assignment.objects.bulk_create(
        [Assignment(stage=stage, assessor_id=a, participant_id=p) for a, p in sorted(proposal.pairs - existing)],
        ignore_conflicts=True,
    )
    notify_sheets_assigned(stage, User.objects.filter(pk__in={a for a, _p in proposal.pairs - existing}))
    for assessor_id in {a for a, _p in to_remove}:
        Assignment.objects.filter(
            stage=stage, assessor_id=assessor_id, participant_id__in=[p for a, p in to_remove if a == assessor_id]
        ).delete()
    return len(proposal.pairs - existing), len(to_remove)


# --- replacements for assessors who came into conflict ---


def _conflicted_assignments(stage):
    """The stage's assignments whose assessor now has a conflict with the participant (in SQL)."""
    return (
        with_conflict_flags(Assignment.objects.filter(stage=stage))
        .filter(Q(home_conflict=True) | Q(declared_conflict=True))
        .select_related("assessor", "participant__district__regency")
    )


def _conflicted_pairs(stage):
    return set(_conflicted_assignments(stage).values_list("assessor_id", "participant_id"))


def participants_short_of_assessors(stage):
    """The stage's participants that lost an assessor to a conflict of interest declared (or a home regency
    changed) after the assignment, with who left: [(participant, [assessor, ...])], by kecamatan name."""
    leaving = defaultdict(list)
    participants = {}
    for assignment in _conflicted_assignments(stage).order_by("participant__district__name", "assessor__full_name"):
        participants[assignment.participant_id] = assignment.participant
        leaving[assignment.participant_id].append(assignment.assessor)
    return [(participant, leaving[pk]) for pk, participant in participants.items()]


@dataclass
class Replacement:
    """One assessor leaving a participant at a stage (a conflict) and who comes in instead (or None)."""

    stage: object
    participant: object
    leaving: object
    coming: object = None


@dataclass
class ReplacementPlan:
    """The replacements of an edition, per stage; nothing is saved until ``apply_replacements``."""

    edition: object
    stages: list  # [(stage, [Replacement, ...])], stages with a conflicted assignment only

    @property
    def replacements(self):
        return [replacement for _stage, replacements in self.stages for replacement in replacements]

    @property
    def fingerprint(self):
        text = ";".join(
            f"{r.stage.pk}:{r.participant.pk}:{r.leaving.pk}:{r.coming.pk if r.coming else ''}"
            for r in self.replacements
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def unfilled(self):
        return [r for r in self.replacements if r.coming is None]


def propose_replacements(edition):
    """For each assignment whose assessor came into conflict with its participant, the assessor who takes over:
    an assessor of the edition free of conflict with the participant and not yet assigned to it at that stage,
    the least loaded at the stage (ties by name). Nothing else moves. A fixed number of queries per stage."""
    assessors = list(edition_assessors(edition))
    plan = []
    for stage in edition.stages.filter(assignments__isnull=False).distinct().order_by("order"):
        conflicted = list(_conflicted_assignments(stage).order_by("participant__district__name", "assessor__full_name"))
        if not conflicted:
            continue
        participants = list(_stage_participants(stage))
        conflicts = conflict_pairs(edition, assessors, participants)
        existing = set(Assignment.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))
        load = defaultdict(int)
        for assessor_id, participant_id in existing:
            if (assessor_id, participant_id) not in conflicts:
                load[assessor_id] += 1
        replacements = []
        for assignment in conflicted:
            participant_id = assignment.participant_id
            free = [
                a
                for a in assessors
                if (a.pk, participant_id) not in conflicts and (a.pk, participant_id) not in existing
            ]
            coming = min(free, key=lambda a: (load[a.pk], a.full_name, a.username, a.pk), default=None)
            if coming is not None:
                existing.add((coming.pk, participant_id))
                load[coming.pk] += 1
            replacements.append(Replacement(stage, assignment.participant, assignment.assessor, coming))
        plan.append((stage, replacements))
    return ReplacementPlan(edition, plan)


@transaction.atomic
def apply_replacements(plan):
    """Save a replacement plan: each leaving assessor's assignment goes (its sheet, if any, stays void), each
    replacement is assigned. Returns how many came in."""
    _require_editable(plan.edition)
    for replacement in plan.replacements:
        Assignment.objects.filter(
            stage=replacement.stage, assessor=replacement.leaving, participant=replacement.participant
        ).delete()
    new = [
        Assignment(stage=r.stage, assessor=r.coming, participant=r.participant)
        for r in plan.replacements
        if r.coming is not None
    ]
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    # Each incoming assessor is told which stage has a sheet waiting (once the change is committed).
    coming = {}
    for replacement in plan.replacements:
        if replacement.coming is not None:
            coming.setdefault(replacement.stage, {})[replacement.coming.pk] = replacement.coming
    for stage, assessors in coming.items():
        notify_sheets_assigned(stage, list(assessors.values()))
    return len(new)


# --- an assessor's home regency ---


@dataclass
class HomeRegencyEffects:
    """What changing an assessor's home regency does in the editions not final yet."""

    assignments: list  # assignments that come into conflict (their participant needs a replacement)
    sheets: list  # opened sheets that become void (no longer scored or counted)
    lifted: list  # assignments of the old home regency no longer in conflict (unless declared)

    @property
    def submitted(self):
        return [sheet for sheet in self.sheets if sheet.is_submitted]


def home_regency_change_effects(assessor, regency):
    """What becomes of ``assessor``'s assignments and sheets if its home regency becomes ``regency`` (or None)."""
    open_editions = Q(stage__edition__state__in=Edition.RESULTS_FINAL_STATES)
    related = ("stage__edition", "participant__district__regency")
    order = ("stage__edition__year", "stage__order", "participant__district__name")
    if regency is None or regency.pk == assessor.regency_id:
        assignments, sheets = [], []
    else:
        assignments = list(
            Assignment.objects.filter(assessor=assessor, participant__district__regency=regency)
            .exclude(open_editions)
            .select_related(*related)
            .order_by(*order)
        )
        sheets = list(
            ScoreSheet.objects.filter(assessor=assessor, participant__district__regency=regency)
            .exclude(open_editions)
            .select_related(*related)
            .order_by(*order)
        )
    lifted = []
    if assessor.regency_id and (regency is None or regency.pk != assessor.regency_id):
        lifted = list(
            Assignment.objects.filter(assessor=assessor, participant__district__regency_id=assessor.regency_id)
            .exclude(open_editions)
            .select_related(*related)
            .order_by(*order)
        )
    return HomeRegencyEffects(assignments, sheets, lifted)


def change_home_regency(assessor, regency, *, changed_by):
    """Set an assessor's home regency (or none), recorded in its history (who, from what, to what, when).

    Conflicts follow at once (they are derived from the home regency): the assessor's sheets of the new
    home regency become void, its assignments there need a replacement (``propose_replacements``), and a
    confirmation of awards that counted one of those sheets is withdrawn. Refused when such a submitted sheet
    counted in a stage whose participants already went on, or in results already final.
    """
    if assessor.role != Role.ASSESSOR:
        raise ValidationError(_("Only an assessor has a home regency."))
    if regency is not None and regency.province_id != assessor.province_id:
        raise ValidationError({"regency": _("The home regency must lie in the assessor's province.")})
    if regency is not None and regency.pk == assessor.regency_id or regency is None and assessor.regency_id is None:
        raise ValidationError({"regency": _("This is already the assessor's home regency.")})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=assessor.pk)
        old_regency_id = locked.regency_id
        if regency is not None:
            if ScoreSheet.objects.filter(
                assessor=assessor,
                participant__district__regency=regency,
                stage__edition__state__in=Edition.RESULTS_FINAL_STATES,
            ).exists():
                raise ValidationError(
                    _("%(name)s scored kecamatan of %(regency)s in results already final; they cannot change.")
                    % {"name": assessor, "regency": regency}
                )
            frozen = _frozen_advance(assessor, {"participant__district__regency": regency})
            if frozen is not None:
                raise ValidationError(
                    _(
                        "A submitted sheet of %(name)s in %(regency)s counted in the ranking of stage “%(stage)s”, "
                        "whose participants have already gone on. Revert that advance first."
                    )
                    % {"name": assessor, "regency": regency, "stage": frozen.from_stage}
                )
        locked.regency = regency
        locked.save(update_fields=["regency"])
        HomeRegencyChange.objects.create(
            assessor=locked, old_regency_id=old_regency_id, new_regency=regency, changed_by=changed_by
        )
        assessor.regency = regency
        if regency is not None:
            voided = (
                ScoreSheet.objects.filter(
                    assessor=assessor, participant__district__regency=regency, status=ScoreSheet.Status.SUBMITTED
                )
                .values_list("stage__edition_id", flat=True)
                .distinct()
            )
            for edition in Edition.objects.filter(pk__in=list(voided)).order_by("pk"):
                withdraw_on_change(
                    edition,
                    changed_by,
                    _("The home regency of %(name)s became %(regency)s; their sheets there no longer count.")
                    % {"name": assessor, "regency": regency},
                )


def home_regency_history(assessor):
    return HomeRegencyChange.objects.filter(assessor=assessor).select_related(
        "old_regency", "new_regency", "changed_by"
    )
