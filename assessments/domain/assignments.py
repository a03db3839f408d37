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
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessments.domain.awards import withdraw_on_change
from assessments.domain.conflicts import has_conflict, is_home_regency_conflict
from assessments.models import Assignment, Conflict, EditionAssessor, ScoreSheet, StageAdvance
from assessments.queries.stages import stage_participants
from sp2k.accounts.models import Role, User


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


def conflict_problems(assessor, participant, reason):
    """What stops ``assessor`` from declaring a conflict with ``participant`` now (a ValidationError), else None.

    Asked by ``declare_conflict`` and by the Django admin's form, so both refuse alike.
    """
    edition = participant.edition
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why you have a conflict of interest.")})
    if edition.results_final:
        raise ValidationError(_("The results of this edition are final."))
    if not EditionAssessor.objects.filter(edition=edition, user=assessor).exists():
        raise ValidationError(_("Only an assessor of this edition can declare a conflict with its participants."))
    if Conflict.objects.filter(assessor=assessor, participant=participant).exists():
        raise ValidationError(
            _("You have already declared a conflict with %(participant)s.") % {"participant": participant}
        )
    advanced = StageAdvance.objects.filter(
        from_stage__sheets__assessor=assessor,
        from_stage__sheets__participant=participant,
        from_stage__sheets__status=ScoreSheet.Status.SUBMITTED,
        reverted_at__isnull=True,
    ).select_related("from_stage")
    frozen = advanced.first()
    if frozen is not None:
        # The sheet counted in the ranking that chose who went on: voiding it now would change that
        # ranking behind the advance. The province admin reverts the advance first.
        raise ValidationError(
            _(
                "Your submitted sheet of %(participant)s counted in the ranking of stage “%(stage)s”, whose "
                "participants have already gone on. Ask the province admin to revert that advance first."
            )
            % {"participant": participant, "stage": frozen.from_stage}
        )


def declare_conflict(assessor, participant, reason):
    """An assessor declares a conflict of interest with a participant (a reason is required).

    The assessor's sheets of the participant (draft or submitted) are void from then on, in the same
    transaction: they are no longer scored, submitted or counted (``conflicts.without_conflicts``), and
    a confirmation of the awards that counted one of them is withdrawn (recorded with the reason).
    """
    edition = participant.edition
    reason = (reason or "").strip()
    with transaction.atomic():
        # Locking the pair's sheets orders the declaration against a save or submit in progress on them.
        sheets = list(
            ScoreSheet.objects.select_for_update()
            .filter(stage__edition=edition, assessor=assessor, participant=participant)
            .order_by("pk")
        )
        conflict_problems(assessor, participant, reason)
        try:
            with transaction.atomic():
                conflict = Conflict.objects.create(
                    edition=edition, assessor=assessor, participant=participant, reason=reason
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already declared a conflict with %(participant)s.") % {"participant": participant}
            ) from None
        if any(sheet.status == ScoreSheet.Status.SUBMITTED for sheet in sheets):
            withdraw_on_change(
                edition,
                assessor,
                _("%(assessor)s declared a conflict of interest with %(participant)s; their sheets no longer count.")
                % {"assessor": assessor, "participant": participant},
            )
    return conflict


def declared_conflicts(edition):
    return (
        Conflict.objects.filter(edition=edition)
        .select_related("assessor", "participant__district__regency")
        .order_by("assessor__full_name", "participant__district__name")
    )


def conflict_pairs(edition, assessors, participants):
    """{(assessor_id, participant_id): "home" | "declared"} for the given people (one query).

    ``participants`` must have ``district`` loaded (select_related) so the home-regency rule costs
    nothing.
    """
    pairs = {}
    for conflict in Conflict.objects.filter(edition=edition).values_list("assessor_id", "participant_id"):
        pairs[conflict] = "declared"
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


@dataclass
class Matrix:
    stage: object
    assessors: list
    participants: list
    rows: list  # [(participant, [cell, ...])], a cell per assessor in the order of ``assessors``
    loads: list  # [(assessor, count)]


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


def assignment_matrix(stage):
    """Assessors × participants of a stage with assignment, conflict and sheet state (fixed queries)."""
    assessors = list(edition_assessors(stage.edition))
    participants = list(_stage_participants(stage))
    conflicts = conflict_pairs(stage.edition, assessors, participants)
    existing = set(Assignment.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))
    started = _pairs_with_sheets(stage)
    rows = []
    loads = defaultdict(int)
    for participant in participants:
        cells = []
        for assessor in assessors:
            pair = (assessor.pk, participant.pk)
            conflict = conflicts.get(pair, "")
            assigned = pair in existing
            if assigned and not conflict:
                loads[assessor.pk] += 1
            cells.append(Cell(assessor, participant, assigned, conflict, pair in started))
        rows.append((participant, cells))
    return Matrix(stage, assessors, participants, rows, [(a, loads[a.pk]) for a in assessors])


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
    was already opened are kept and count towards k. Deterministic for a given seed and data.
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

    load = {a.pk: 0 for a in assessors}
    given = defaultdict(set)
    for assessor_id, participant_id in kept:
        given[participant_id].add(assessor_id)
        load[assessor_id] += 1
    queue = rng.sample(participants, len(participants))
    queue.sort(key=lambda p: len(eligible[p.pk]))  # stable: the seed still orders equals
    short = []
    for participant in queue:
        free = [a for a in eligible[participant.pk] if a not in given[participant.pk]]
        need = k - len(given[participant.pk])
        for assessor_id in sorted(free, key=lambda a: (load[a], order[a]))[: max(need, 0)]:
            given[participant.pk].add(assessor_id)
            load[assessor_id] += 1
        if len(given[participant.pk]) < k:
            short.append(participant)

    _balance(given, load, eligible, kept, order)
    pairs = frozenset((a, p) for p, chosen in given.items() for a in chosen)
    short.sort(key=lambda p: (p.district.name, p.pk))
    return Proposal(stage, k, seed, pairs, assessors, participants, kept, short)


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
    """Save a proposal: the stage's assignments become exactly its pairs (opened sheets always stay)."""
    stage = proposal.stage
    _require_editable(stage.edition)
    existing = set(Assignment.objects.filter(stage=stage).values_list("assessor_id", "participant_id"))
    started = _pairs_with_sheets(stage)
    to_remove = existing - proposal.pairs - started
    Assignment.objects.bulk_create(
        [Assignment(stage=stage, assessor_id=a, participant_id=p) for a, p in sorted(proposal.pairs - existing)],
        ignore_conflicts=True,
    )
    for assessor_id in {a for a, _p in to_remove}:
        Assignment.objects.filter(
            stage=stage, assessor_id=assessor_id, participant_id__in=[p for a, p in to_remove if a == assessor_id]
        ).delete()
    return len(proposal.pairs - existing), len(to_remove)
