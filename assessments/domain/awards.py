"""Awards of an edition: their categories, filling them from the final ranking, confirming, publishing.

- Categories: by default Juara I, II, III, Juara Harapan I, II (places 1–5 of the final ranking); the
  province admin may rename and reorder them, add special awards (no place, e.g. "Inovasi terbaik")
  and remove them, until the awards are confirmed.
- Proposal (``propose_awards``): a category with a place gets the participant at that place of
  ``ranking.final_ranking``. Places follow the shared ranks: with ranks 1, 2, 2, 4 the two rank-2
  participants hold places 2 and 3 together. When more than one participant holds a place the tie is
  reported and the category waits for the admin, who picks among the tied participants with a
  recorded reason; nothing breaks such a tie by name or id.
- Confirmation (``confirm_awards``): only while the edition is FINAL; every category must have its
  participant. Each award keeps the final score it had then (the decree and certificates print it).
- Publication (``publish``): the workflow's FINAL → PUBLISHED move. Its precondition (confirmed awards
  that still match the ranking) is ``publication_problems``, asked by ``workflow.precondition_problems``;
  the move freezes the ranking into ``PublishedResult`` rows (``freeze_results``) that every public
  page, download and the API read.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.domain import chain, ranking
from assessments.models import (
    Award,
    AwardCategory,
    AwardWithdrawal,
    Edition,
    Participant,
    PublishedResult,
    PublishedStageScore,
)

# Proper names of the awards, kept in Indonesian whatever the interface language: they are printed
# as such in the governor's decree.
DEFAULT_CATEGORIES = [
    ("Juara I", 1),
    ("Juara II", 2),
    ("Juara III", 3),
    ("Juara Harapan I", 4),
    ("Juara Harapan II", 5),
]
CENTS = Decimal("0.01")


def two_places(value):
    """A score as shown everywhere (pages, downloads, API, award snapshots): 2 decimals, half up."""
    return None if value is None else Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


def _check(edition, by):
    if not by.has_perm("assessments.manage_awards", edition):
        raise PermissionDenied(_("Only the province admin of this edition can change its awards."))


def _lock(edition):
    """The edition row, locked: two admins acting at once are served one after the other."""
    return Edition.objects.select_for_update().get(pk=edition.pk)


def _editable(edition):
    """Categories and choices change only before confirmation and publication."""
    if edition.is_published:
        raise ValidationError(_("The results are published; the awards can no longer change."))
    if Award.objects.filter(category__edition=edition, confirmed_at__isnull=False).exists():
        raise ValidationError(_("The awards are confirmed. Withdraw the confirmation first to change them."))


# --- categories ---------------------------------------------------------------------------------


def ensure_default_categories(edition):
    """Give an edition without any award category the five default ones; otherwise change nothing.

    Idempotent: an edition whose admin already set (or trimmed) its categories keeps them.
    """
    with transaction.atomic():
        _lock(edition)
        if AwardCategory.objects.filter(edition=edition).exists():
            return []
        return AwardCategory.objects.bulk_create(
            AwardCategory(edition=edition, order=i, name=name, rank=rank)
            for i, (name, rank) in enumerate(DEFAULT_CATEGORIES, start=1)
        )


def add_default_categories(edition, by):
    _check(edition, by)
    with transaction.atomic():
        _editable(_lock(edition))
        return ensure_default_categories(edition)


def _validate_category(edition, name, rank, exclude_pk=None):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the award a name.")})
    others = AwardCategory.objects.filter(edition=edition).exclude(pk=exclude_pk)
    if others.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("This edition already has an award of this name.")})
    if rank is not None:
        if rank < 1:
            raise ValidationError({"rank": _("A place is 1 or more.")})
        if others.filter(rank=rank).exists():
            raise ValidationError({"rank": _("Another award already goes to place %(rank)s.") % {"rank": rank}})
    return name


def add_category(edition, by, name, rank=None):
    """A new category at the end of the list; without ``rank`` it is a special award."""
    _check(edition, by)
    with transaction.atomic():
        _editable(_lock(edition))
        name = _validate_category(edition, name, rank)
        last = AwardCategory.objects.filter(edition=edition).aggregate(m=Max("order"))["m"] or 0
        return AwardCategory.objects.create(edition=edition, order=last + 1, name=name, rank=rank)


def change_category(category, by, name, rank=None):
    """Rename a category or change its place. A choice made for it no longer applies and is dropped."""
    edition = category.edition
    _check(edition, by)
    with transaction.atomic():
        _editable(_lock(edition))
        name = _validate_category(edition, name, rank, exclude_pk=category.pk)
        if rank != category.rank:
            Award.objects.filter(category=category).delete()
        category.name, category.rank = name, rank
        category.save(update_fields=["name", "rank"])
    return category


def move_category(category, by, up):
    """Swap the category with its neighbour above (``up``) or below in the list."""
    edition = category.edition
    _check(edition, by)
    with transaction.atomic():
        _editable(_lock(edition))
        siblings = AwardCategory.objects.filter(edition=edition)
        neighbour = (
            siblings.filter(order__lt=category.order).order_by("-order").first()
            if up
            else siblings.filter(order__gt=category.order).order_by("order").first()
        )
        if neighbour is None:
            return category
        # Through a free order value: (edition, order) is unique at every moment.
        free = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
        mine, theirs = category.order, neighbour.order
        AwardCategory.objects.filter(pk=category.pk).update(order=free)
        AwardCategory.objects.filter(pk=neighbour.pk).update(order=mine)
        AwardCategory.objects.filter(pk=category.pk).update(order=theirs)
        category.order = theirs
    return category


def delete_category(category, by):
    edition = category.edition
    _check(edition, by)
    with transaction.atomic():
        _editable(_lock(edition))
        category.delete()


# --- the proposal -------------------------------------------------------------------------------


class Status:
    FROM_RANKING = "ranking"  # the one participant at the category's place
    TIE = "tie"  # several participants share the place: the admin must choose
    CHOSEN = "chosen"  # the admin chose among the tied participants, or for a special award
    EMPTY = "empty"  # nobody at that place (fewer ranked participants), or a special award not yet given


@dataclass
class ProposalLine:
    category: AwardCategory
    status: str
    row: object = None  # the FinalRow of the participant proposed or chosen
    candidates: list = field(default_factory=list)  # FinalRows sharing the place (a tie)
    award: Award | None = None  # the stored award (choice or confirmation), if any
    stale_choice: bool = False  # a stored choice that the current ranking no longer allows

    @property
    def participant(self):
        return self.row.participant if self.row else None

    @property
    def score(self):
        return two_places(self.row.score) if self.row else None

    @property
    def tied_places(self):
        """(shared rank, first place, last place) of a tie, e.g. (3, 3, 4) for two participants at rank 3."""
        if not self.candidates:
            return None
        rank = self.candidates[0].rank
        return rank, rank, rank + len(self.candidates) - 1

    @property
    def needs_decision(self):
        return self.status in (Status.TIE, Status.EMPTY)

    @property
    def is_from_ranking(self):
        return self.status == Status.FROM_RANKING

    @property
    def is_tie(self):
        return self.status == Status.TIE

    @property
    def is_chosen(self):
        return self.status == Status.CHOSEN

    @property
    def is_empty(self):
        return self.status == Status.EMPTY


@dataclass
class Proposal:
    edition: Edition
    lines: list
    rows: list  # the final ranking it was made from

    @property
    def ties(self):
        return [line for line in self.lines if line.status == Status.TIE]

    @property
    def open_lines(self):
        return [line for line in self.lines if line.needs_decision]

    @property
    def confirmed(self):
        return bool(self.lines) and all(line.award and line.award.confirmed_at for line in self.lines)

    @property
    def confirmed_award(self):
        """One confirmed award (for who confirmed and when), if the awards are confirmed."""
        return self.lines[0].award if self.confirmed else None

    @property
    def stale(self):
        """Confirmed awards that no longer match the ranking (it changed after the confirmation)."""
        return [
            line
            for line in self.lines
            if line.award
            and line.award.confirmed_at
            and (
                line.row is None
                or line.award.participant_id != line.participant.pk
                or line.award.final_score != line.score
            )
        ]


def holders_of_place(rows, place):
    """The ranking rows holding ``place``: with ranks 1, 2, 2, 4 place 3 is held by both rank-2 rows."""
    ranked = [r for r in rows if r.rank is not None]
    holders = []
    for row in ranked:
        size = sum(1 for r in ranked if r.rank == row.rank)
        if row.rank <= place < row.rank + size:
            holders.append(row)
    return holders


def propose_awards(edition, rows=None):
    """Each category with what the final ranking gives it (a read: nothing is saved).

    A stored choice is kept when the ranking still allows it (the participant is among those holding
    the place); otherwise it is flagged ``stale_choice`` and the place is proposed afresh.
    """
    if rows is None:
        rows = ranking.final_ranking(edition)
    by_participant = {r.participant_id: r for r in rows}
    categories = list(AwardCategory.objects.filter(edition=edition).order_by("order"))
    awards = {
        a.category_id: a
        for a in Award.objects.filter(category__edition=edition).select_related(
            "participant__district__regency", "chosen_by", "confirmed_by"
        )
    }
    lines = []
    for category in categories:
        award = awards.get(category.pk)
        if category.rank is None:
            row = by_participant.get(award.participant_id) if award else None
            if award and row is None:
                # A special award may go to an accepted participant without a final score.
                row = ranking.FinalRow.unranked(award.participant)
            lines.append(ProposalLine(category, Status.CHOSEN if award else Status.EMPTY, row=row, award=award))
            continue
        holders = holders_of_place(rows, category.rank)
        line = ProposalLine(category, Status.EMPTY, award=award)
        if len(holders) == 1:
            line.status, line.row = Status.FROM_RANKING, holders[0]
        elif holders:
            line.status, line.candidates = Status.TIE, holders
        if award and award.chosen_at:
            chosen = next((r for r in holders if r.participant_id == award.participant_id), None)
            if chosen is not None and len(holders) > 1:
                line.status, line.row = Status.CHOSEN, chosen
            else:
                line.stale_choice = True
        lines.append(line)
    return Proposal(edition=edition, lines=lines, rows=rows)


def choice_candidates(edition, category, rows=None):
    """Who the admin may choose for the category: the tied holders of its place, or (special award)
    any accepted participant."""
    if category.rank is None:
        return list(
            Participant.objects.filter(edition=edition, status=Participant.Status.ACCEPTED)
            .select_related("district__regency")
            .order_by("district__name")
        )
    if rows is None:
        rows = ranking.final_ranking(edition)
    holders = holders_of_place(rows, category.rank)
    return [r.participant for r in holders] if len(holders) > 1 else []


def choose_award(category, participant, by, reason):
    """The admin's choice for a category: among the tied participants at its place, or for a special
    award. Recorded with who, when and why. Only while the edition is FINAL and not confirmed."""
    edition = category.edition
    _check(edition, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason is recorded with the choice.")})
    with transaction.atomic():
        locked = _lock(edition)
        if not locked.awards_open:
            raise ValidationError(_("Awards are given only while the results are final and not yet published."))
        _editable(locked)
        candidates = choice_candidates(locked, category)
        if participant.pk not in {p.pk for p in candidates}:
            if category.rank is None:
                raise ValidationError({"participant": _("Choose an accepted participant of this edition.")})
            raise ValidationError(
                {"participant": _("Choose one of the participants who share this place of the ranking.")}
            )
        taken = Award.objects.filter(category__edition=locked, category__rank__isnull=False, participant=participant)
        if category.rank is not None and taken.exclude(category=category).exists():
            raise ValidationError({"participant": _("This participant already has another place's award.")})
        award, _created = Award.objects.update_or_create(
            category=category,
            defaults={
                "participant": participant,
                "chosen_by": by,
                "chosen_at": timezone.now(),
                "reason": reason,
                "final_score": None,
                "confirmed_by": None,
                "confirmed_at": None,
            },
        )
    return award


def confirmation_problems(proposal):
    """What stops the proposal from being confirmed (empty when nothing does)."""
    problems = []
    if not proposal.lines:
        problems.append(_("The edition has no award categories yet."))
    for line in proposal.lines:
        if line.status == Status.TIE:
            rank, first, last = line.tied_places
            problems.append(
                _(
                    "“%(award)s”: %(count)s participants share rank %(rank)s (places %(first)s–%(last)s); "
                    "choose one, with a reason."
                )
                % {
                    "award": line.category.name,
                    "count": len(line.candidates),
                    "rank": rank,
                    "first": first,
                    "last": last,
                }
            )
        elif line.status == Status.EMPTY and line.category.rank is not None:
            problems.append(
                _(
                    "“%(award)s”: nobody holds place %(rank)s of the final ranking; "
                    "remove the award or change its place."
                )
                % {"award": line.category.name, "rank": line.category.rank}
            )
        elif line.status == Status.EMPTY:
            problems.append(
                _("“%(award)s”: choose who receives this special award, or remove it.") % {"award": line.category.name}
            )
    ranked = [line.participant.pk for line in proposal.lines if line.category.rank is not None and line.row]
    if len(ranked) != len(set(ranked)):
        problems.append(_("One participant would receive two places' awards."))
    return problems


def confirm_awards(edition, by):
    """Give every category its participant and confirm: who, when, and each award's final score then.

    Only while the edition is FINAL; all or nothing. Confirming again (e.g. after the assessment was
    reopened and closed) refreshes every award from the current ranking.
    """
    _check(edition, by)
    with transaction.atomic():
        locked = _lock(edition)
        if not locked.awards_open:
            raise ValidationError(_("Awards can be confirmed only while the results are final and not yet published."))
        proposal = propose_awards(locked)
        problems = confirmation_problems(proposal)
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        for line in proposal.lines:
            Award.objects.update_or_create(
                category=line.category,
                defaults={
                    "participant": line.participant,
                    "final_score": line.score,
                    "confirmed_by": by,
                    "confirmed_at": now,
                    # A place that is no longer tied needs no choice: keep only choices still in force.
                    **({} if line.status == Status.CHOSEN else {"chosen_by": None, "chosen_at": None, "reason": ""}),
                },
            )
    return proposal


def withdraw_confirmation(edition, by, reason=""):
    """Undo the confirmation (before publication) so that categories and choices can change again.

    Recorded (``AwardWithdrawal``) with ``reason``, or as withdrawn by the admin when none is given.
    """
    _check(edition, by)
    with transaction.atomic():
        locked = _lock(edition)
        if locked.is_published:
            raise ValidationError(_("The results are published; the awards can no longer change."))
        _withdraw(locked, by, (reason or "").strip() or _("Withdrawn by the province admin."))


def _withdraw(edition, by, reason):
    Award.objects.filter(category__edition=edition).update(confirmed_by=None, confirmed_at=None, final_score=None)
    # Awards that merely followed the ranking are proposed again from it; choices stay.
    Award.objects.filter(category__edition=edition, chosen_at__isnull=True).delete()
    AwardWithdrawal.objects.create(edition=edition, by=by, reason=reason)


def withdraw_on_change(edition, by, reason):
    """A write that changes the ranking the awards were confirmed from withdraws their confirmation.

    Called by that write, inside its own transaction (so both happen or neither): scores saved or
    submitted, a sheet reopened, a conflict declared on a counted sheet, an advance made or reverted.
    Recorded with ``reason`` so the admin sees why the confirmation is gone. Returns whether there was
    a confirmation to withdraw. Refused once the results are published (nothing changes them then).
    """
    if not Award.objects.filter(category__edition=edition, confirmed_at__isnull=False).exists():
        return False
    locked = _lock(edition)
    if locked.is_published:
        raise ValidationError(_("The results are published; the awards can no longer change."))
    _withdraw(locked, by, reason)
    return True


def last_withdrawal(edition):
    """The latest withdrawal of the edition's award confirmation (who, when, why), if any."""
    return AwardWithdrawal.objects.filter(edition=edition).select_related("by").order_by("-at", "-pk").first()


# --- publication --------------------------------------------------------------------------------


def publication_problems(edition):
    """What stops the edition from being published (asked by ``workflow.precondition_problems``)."""
    proposal = propose_awards(edition)
    if not proposal.lines:
        return [_("The edition has no award categories yet.")]
    if not proposal.confirmed:
        return [_("The awards are not confirmed yet.")]
    if proposal.stale:
        return [_("The final ranking changed after the awards were confirmed; confirm them again.")]
    return []


def freeze_results(edition):
    """Store the final ranking as it is now; called by the workflow inside the publishing move."""
    rows = ranking.final_ranking(edition)
    PublishedResult.objects.filter(edition=edition).delete()
    results = PublishedResult.objects.bulk_create(
        PublishedResult(
            edition=edition,
            participant=row.participant,
            position=position,
            rank=row.rank,
            shared=row.shared,
            final_score=row.score,
        )
        for position, row in enumerate(rows, start=1)
    )
    PublishedStageScore.objects.bulk_create(
        PublishedStageScore(result=result, stage=stage, score=score)
        for result, row in zip(results, rows, strict=True)
        for stage, score in row.stage_scores
    )
    # The score history's head hashes as they stand now: a row changed, removed or added later shows.
    chain.freeze_heads(edition)
    return results
