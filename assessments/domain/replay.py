"""Replay: the edition's results rebuilt from the score history alone and compared with what is stored and published.

1. The history (ScoreChange), sheet by sheet in id order: every row's hash is recomputed (``rowhash.change_hash``)
   from its fields and the previous row's stored hash, and its version checked against the indicator's previous
   row. A row changed behind the application's back breaks its own hash (or, re-hashed, the next row's); a row
   removed or inserted in the middle breaks the next row's.
2. The latest row per sheet × indicator is the replayed score; it is compared with the stored Score (value,
   comment, version), and the maintained sheet totals and aspect subtotals with those computed from the stored
   scores (``totals.recomputed``): so the totals follow from the history too.
3. Every stage ranking and the final ranking are computed with the edition's rules by the rankings' own
   raw-score reference (``ranking.stage_ranking`` / ``final_ranking`` with ``from_scores=HISTORY``: the same SQL
   fed with the replayed scores, no second formula) and compared, participant by participant, with the rankings
   the portal shows (from the maintained totals) and with the published results.
4. Once published: every sheet's head hash is compared with the one kept at publication (``chain.freeze_heads``),
   so a row added at the end, or a chain rewritten whole, shows too.

``verify(edition)`` returns an Outcome: "matches", or the differences, each naming the participant, the sheet
(stage and assessor), the indicator and the history row. Run by ``manage.py verify_results`` and, with its
progress, by the background worker (``start_verification``, ``run_verification``).
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks import task

from assessments.domain import ranking, totals
from assessments.domain.rowhash import change_hash, root_hash
from assessments.models import (
    Indicator,
    Participant,
    PublishedHistory,
    PublishedResult,
    PublishedStageScore,
    ResultsVerification,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetAspectTotal,
    Stage,
)

KEPT_DIFFERENCES = 500  # a run keeps the first ones; the count says how many there were
CHUNK = 5000
TOLERANCE = ranking.PLACES  # figures are compared at 4 decimals, as the rankings compare them

KINDS = {
    "chain": gettext_lazy("History row does not match its hash: it, or a row before it, was changed, removed or added"),
    "version": gettext_lazy("History row out of sequence: a change of this indicator is missing or added"),
    "score": gettext_lazy("Stored score differs from the history"),
    "no_history": gettext_lazy("Stored score has no history"),
    "missing_score": gettext_lazy("Score in the history is missing from the stored scores"),
    "sheet_total": gettext_lazy("Maintained sheet total differs from its scores"),
    "aspect_total": gettext_lazy("Maintained aspect subtotal differs from its scores"),
    "stage_ranking": gettext_lazy("Stage ranking differs from the replay"),
    "final_ranking": gettext_lazy("Final ranking differs from the replay"),
    "published": gettext_lazy("Published result differs from the replay"),
    "head": gettext_lazy("History of this sheet changed after publication"),
}


@dataclass
class Difference:
    kind: str
    participant: str = ""
    stage: str = ""
    assessor: str = ""
    sheet: int | None = None
    indicator: str = ""
    row: int | None = None  # the history row (ScoreChange id)
    expected: str = ""  # what the history (the replay) says
    found: str = ""  # what is stored, shown or published

    @property
    def label(self):
        return str(KINDS[self.kind])


@dataclass
class Outcome:
    rows: int = 0
    sheets: int = 0
    root_hash: str = ""
    published_root_hash: str = ""
    differences: list = field(default_factory=list)
    count: int = 0

    @property
    def matches(self):
        return self.count == 0

    def add(self, difference):
        self.count += 1
        if len(self.differences) < KEPT_DIFFERENCES:
            self.differences.append(difference)


def _text(value):
    if value is None:
        return "—"
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return format(Decimal(str(value)).quantize(TOLERANCE), "f")
    return str(value)


def _differs(a, b):
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(Decimal(str(a)) - Decimal(str(b))) > TOLERANCE


class _Names:
    """Who and what the differences name, read once per run."""

    def __init__(self, edition):
        self.participants = {
            p.pk: f"{p.district.name} ({p.district.regency.name})"
            for p in Participant.objects.filter(edition=edition).select_related("district__regency")
        }
        self.stages = {s.pk: s.name for s in Stage.objects.filter(edition=edition)}
        self.indicators = dict(Indicator.objects.filter(aspect__stage__edition=edition).values_list("pk", "name"))
        self.sheets = {
            pk: (stage_id, participant_id, assessor_id)
            for pk, stage_id, participant_id, assessor_id in ScoreSheet.objects.filter(
                stage__edition=edition
            ).values_list("pk", "stage_id", "participant_id", "assessor_id")
        }
        assessor_ids = {a for _s, _p, a in self.sheets.values()}
        self.assessors = {
            user.pk: user.get_full_name() or user.username
            for user in get_user_model().objects.filter(pk__in=assessor_ids)
        }

    def of_sheet(self, kind, sheet_id, **fields):
        stage_id, participant_id, assessor_id = self.sheets.get(sheet_id, (None, None, None))
        return Difference(
            kind,
            participant=self.participants.get(participant_id, ""),
            stage=self.stages.get(stage_id, ""),
            assessor=self.assessors.get(assessor_id, ""),
            sheet=sheet_id,
            **fields,
        )


def _raw_rows(queryset):
    """The rows of a ``values_list`` queryset as the database driver gives them (SQLite: numbers as floats or
    integers, moments as text; ``change_hash`` reads both), a chunk at a time (PostgreSQL: a server-side cursor).
    The ORM's conversion of every value cost a third of the replay at the national size."""
    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def _replay_history(edition, names, outcome, progress):
    """Step 1: check every row's hash and version; returns ({(sheet, indicator): latest row}, {sheet: (head, rows)})."""
    rows = ScoreChange.objects.filter(sheet__stage__edition=edition).order_by("sheet_id", "pk")
    total = rows.count()
    latest, heads = {}, {}
    previous_hash, previous_sheet, versions = None, None, {}
    fields = ("pk", "sheet_id", "indicator_id", "new_value", "new_comment", "version", "by_id", "at", "source")
    fields += ("row_hash",)
    for done, row in enumerate(_raw_rows(rows.values_list(*fields)), start=1):
        pk, sheet_id, indicator_id, value, comment, version, by_id, at, source, stored = row
        if sheet_id != previous_sheet:
            previous_hash, previous_sheet, versions = None, sheet_id, {}
        expected = change_hash(sheet_id, indicator_id, value, comment, version, by_id, at, source, previous_hash)
        if expected != stored:
            indicator = names.indicators.get(indicator_id, str(indicator_id))
            # The hashes' first 16 characters say enough on a page (and in the command's lines).
            outcome.add(
                names.of_sheet(
                    "chain",
                    sheet_id,
                    indicator=indicator,
                    row=pk,
                    expected=f"{expected[:16]}…",
                    found=f"{stored[:16]}…",
                )
            )
        expected_version = versions.get(indicator_id, 0) + 1
        if version != expected_version:
            outcome.add(
                names.of_sheet(
                    "version",
                    sheet_id,
                    indicator=names.indicators.get(indicator_id, str(indicator_id)),
                    row=pk,
                    expected=str(expected_version),
                    found=str(version),
                )
            )
        versions[indicator_id] = version or expected_version
        latest[(sheet_id, indicator_id)] = (pk, value, comment or "", version)
        count = heads.get(sheet_id, (None, 0))[1]
        heads[sheet_id] = (stored, count + 1)
        previous_hash = stored
        if progress and done % CHUNK == 0:
            progress(int(60 * done / total))
    outcome.rows = total
    outcome.sheets = len(heads)
    outcome.root_hash = root_hash({sheet: head for sheet, (head, _n) in heads.items()})
    return latest, heads


def _compare_scores(edition, names, outcome, latest):
    """Step 2: the stored scores against the replayed ones, the maintained totals against the stored scores."""
    seen = set()
    scores = Score.objects.filter(sheet__stage__edition=edition).values_list(
        "sheet_id", "indicator_id", "value", "comment", "version"
    )
    for sheet_id, indicator_id, value, comment, version in _raw_rows(scores):
        key = (sheet_id, indicator_id)
        seen.add(key)
        indicator = names.indicators.get(indicator_id, str(indicator_id))
        replayed = latest.get(key)
        if replayed is None:
            outcome.add(names.of_sheet("no_history", sheet_id, indicator=indicator, expected="—", found=_text(value)))
            continue
        pk, new_value, new_comment, new_version = replayed
        if new_value != value or new_comment != (comment or "") or new_version != version:
            outcome.add(
                names.of_sheet(
                    "score",
                    sheet_id,
                    indicator=indicator,
                    row=pk,
                    expected=f"{_text(new_value)} (v{new_version})",
                    found=f"{_text(value)} (v{version})",
                )
            )
    for (sheet_id, indicator_id), (pk, value, _comment, _version) in latest.items():
        if (sheet_id, indicator_id) not in seen:
            indicator = names.indicators.get(indicator_id, str(indicator_id))
            outcome.add(
                names.of_sheet("missing_score", sheet_id, indicator=indicator, row=pk, expected=_text(value), found="—")
            )
    sheets = ScoreSheet.objects.filter(stage__edition=edition)
    reference = totals.recomputed(sheets)
    stored_totals = dict(sheets.values_list("pk", "weighted_total"))
    stored_aspects = {
        (sheet_id, aspect_id): (total, scored)
        for sheet_id, aspect_id, total, scored in SheetAspectTotal.objects.filter(sheet__in=sheets).values_list(
            "sheet_id", "aspect_id", "total", "scored"
        )
    }
    aspect_names = dict(
        Indicator.objects.filter(aspect__stage__edition=edition).values_list("aspect_id", "aspect__name").distinct()
    )
    aspects_of = {}
    for sheet_id, aspect_id in stored_aspects:
        aspects_of.setdefault(sheet_id, set()).add(aspect_id)
    for sheet_id, (total, aspects) in reference.items():
        if _differs(total, stored_totals.get(sheet_id)):
            outcome.add(
                names.of_sheet("sheet_total", sheet_id, expected=_text(total), found=_text(stored_totals.get(sheet_id)))
            )
        for aspect_id in set(aspects) | aspects_of.get(sheet_id, set()):
            expected, expected_count = aspects.get(aspect_id, (Decimal(0), 0))
            found, found_count = stored_aspects.get((sheet_id, aspect_id), (Decimal(0), 0))
            if _differs(expected, found) or expected_count != found_count:
                outcome.add(
                    names.of_sheet(
                        "aspect_total",
                        sheet_id,
                        indicator=aspect_names.get(aspect_id, ""),
                        expected=f"{_text(expected)} ({expected_count})",
                        found=f"{_text(found)} ({found_count})",
                    )
                )


def _placed(rank, score):
    """A ranking line as a difference shows it: its rank and score."""
    return f"#{rank or '—'} · {_text(score)}"


def _compare_rows(kind, stage_name, names, outcome, replayed, shown):
    shown = {row.participant_id: row for row in shown}
    for row in replayed:
        other = shown.pop(row.participant_id, None)
        name = names.participants.get(row.participant_id, "")
        if other is None or other.rank != row.rank or _differs(row.score, other.score):
            outcome.add(
                Difference(
                    kind,
                    participant=name,
                    stage=stage_name,
                    expected=_placed(row.rank, row.score),
                    found="—" if other is None else _placed(other.rank, other.score),
                )
            )
    for pk, other in shown.items():
        outcome.add(
            Difference(
                kind,
                participant=names.participants.get(pk, ""),
                stage=stage_name,
                expected="—",
                found=_placed(other.rank, other.score),
            )
        )


def _compare_rankings(edition, names, outcome, progress):
    """Step 3: every stage ranking and the final ranking from the replayed scores, against the shown and published."""
    stages = list(edition.stages.order_by("order"))
    for number, stage in enumerate(stages, start=1):
        replayed = ranking.stage_ranking(stage, from_scores=ranking.HISTORY)
        _compare_rows("stage_ranking", stage.name, names, outcome, replayed, ranking.stage_ranking(stage))
        if progress:
            progress(70 + int(20 * number / len(stages)))
    final = ranking.final_ranking(edition, from_scores=ranking.HISTORY)
    _compare_rows("final_ranking", "", names, outcome, final, ranking.final_ranking(edition))
    published = {r.participant_id: r for r in PublishedResult.objects.filter(edition=edition)}
    if not published:
        return
    stage_scores = {}
    for result_id, stage_id, score in PublishedStageScore.objects.filter(result__edition=edition).values_list(
        "result_id", "stage_id", "score"
    ):
        stage_scores[(result_id, stage_id)] = score
    for row in final:
        result = published.pop(row.participant_id, None)
        name = names.participants.get(row.participant_id, "")
        if result is None or result.rank != row.rank or _differs(row.score, result.final_score):
            outcome.add(
                Difference(
                    "published",
                    participant=name,
                    expected=_placed(row.rank, row.score),
                    found="—" if result is None else _placed(result.rank, result.final_score),
                )
            )
            continue
        for stage, score in row.stage_scores:
            kept = stage_scores.get((result.pk, stage.pk))
            if _differs(score, kept):
                outcome.add(
                    Difference(
                        "published", participant=name, stage=stage.name, expected=_text(score), found=_text(kept)
                    )
                )
    for pk, result in published.items():
        outcome.add(
            Difference(
                "published",
                participant=names.participants.get(pk, ""),
                expected="—",
                found=_placed(result.rank, result.final_score),
            )
        )


def _compare_heads(edition, names, outcome, heads):
    """Step 4: the sheets' head hashes against those kept at publication."""
    published = PublishedHistory.objects.filter(edition=edition).first()
    if published is None:
        return
    outcome.published_root_hash = published.root_hash
    kept = {
        sheet_id: (head, rows) for sheet_id, head, rows in published.heads.values_list("sheet_id", "head_hash", "rows")
    }
    for sheet_id in sorted(set(kept) | set(heads)):
        now, now_rows = heads.get(sheet_id, ("", 0))
        then, then_rows = kept.get(sheet_id, ("", 0))
        if now != then:
            outcome.add(
                names.of_sheet(
                    "head",
                    sheet_id,
                    expected=f"{then[:16]}… ({then_rows})" if then else "—",
                    found=f"{now[:16]}… ({now_rows})" if now else "—",
                )
            )


def verify(edition, progress=None):
    """Replay the edition's results from its history and compare (see the module); returns an Outcome."""
    outcome = Outcome()
    names = _Names(edition)
    latest, heads = _replay_history(edition, names, outcome, progress)
    _compare_scores(edition, names, outcome, latest)
    if progress:
        progress(70)
    _compare_rankings(edition, names, outcome, progress)
    _compare_heads(edition, names, outcome, heads)
    if progress:
        progress(100)
    return outcome


# --- the background job ---------------------------------------------------------------------------


@task()
def run_verification_task(verification_id):
    """The worker's side of ``start_verification``."""
    verification = ResultsVerification.objects.select_related("edition").get(pk=verification_id)
    if verification.status == ResultsVerification.Status.QUEUED:  # not already run (the demo runs its own)
        run_verification(verification)
    return verification.status


def start_verification(edition, by=None):
    """Record a replay of ``edition`` and hand it to the background worker (django-tasks, as the documents' jobs)."""
    verification = ResultsVerification.objects.create(
        edition=edition, created_by=by, total=100, published=edition.is_published
    )
    # The database backend stores the task in this same transaction: the worker sees both at commit.
    run_verification_task.enqueue(verification.pk)
    return verification


def run_verification(verification):
    """Run a recorded replay, saving its progress as it goes; returns it with its outcome."""
    verification.status = ResultsVerification.Status.RUNNING
    verification.save(update_fields=["status"])

    def progress(done):
        verification.done = done
        verification.save(update_fields=["done"])

    try:
        outcome = verify(verification.edition, progress)
    except Exception as error:  # noqa: BLE001 - the page shows the failure; the worker goes on
        verification.status = ResultsVerification.Status.FAILED
        verification.error = str(error)
    else:
        verification.status = ResultsVerification.Status.DONE
        verification.matches = outcome.matches
        verification.differences = [asdict(d) for d in outcome.differences]
        verification.difference_count = outcome.count
        verification.rows = outcome.rows
        verification.root_hash = outcome.root_hash
        verification.done = verification.total
    verification.finished_at = timezone.now()
    verification.save()
    return verification


def differences_of(verification):
    """A run's kept differences as Difference objects (with their labels), for the pages."""
    return [Difference(**item) for item in verification.differences]


def latest_verification(edition, published=False):
    """The edition's latest replay (finished or not); ``published``: the latest run on the published edition."""
    runs = ResultsVerification.objects.filter(edition=edition)
    if published:
        runs = runs.filter(published=True)
        # Only the runs since the current publication (a withdrawn one's runs were of other results).
        frozen_at = PublishedHistory.objects.filter(edition=edition).values_list("frozen_at", flat=True).first()
        if frozen_at:
            runs = runs.filter(created_at__gte=frozen_at)
    return runs.first()
