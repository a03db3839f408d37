"""Reads of published results: the public pages, each kecamatan's record, the downloads and the API.

Everything here reads the rows frozen at publication (``PublishedResult``), never the live ranking,
and only of PUBLISHED editions: before publication nothing of an edition is returned, to anyone.
Each function costs a fixed number of queries, whatever the number of participants.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.domain.awards import two_places
from assessments.domain.ranking import counted_sheets
from assessments.models import Award, Edition, EditionTransition, PublishedResult, PublishedStageScore
from districts.models import DistrictProfile, InnovationPhoto

# The bar chart's drawing, in SVG user units. The <svg> scales to its box (CSS caps it at 36rem), so
# these are sized for a phone's width (~360 px, text ≈ 11 px) and stay moderate on a wide screen.
CHART_LABEL_WIDTH = 130
CHART_BAR_WIDTH = 200  # 100 points
CHART_VALUE_WIDTH = 45
CHART_ROW_HEIGHT = 20
CHART_BAR_HEIGHT = 13


def published_editions():
    """Published editions with their province, publication moment and champion (rank-1 award)."""
    published_at = EditionTransition.objects.filter(edition=OuterRef("pk"), to_state=Edition.State.PUBLISHED).order_by(
        "-at"
    )
    champion = Award.objects.filter(category__edition=OuterRef("pk"), category__rank=1, confirmed_at__isnull=False)
    return (
        Edition.objects.published()
        .select_related("province")
        .annotate(
            published_at=Subquery(published_at.values("at")[:1]),
            champion_name=Subquery(champion.values("participant__district__name")[:1]),
            champion_regency=Subquery(champion.values("participant__district__regency__name")[:1]),
            participant_count=Count("published_results", distinct=True),
        )
        .order_by("province__name", "-year", "name")
    )


def withdrawn_publication(pk):
    """The withdrawal (an EditionTransition, with ``edition``) of an edition whose publication was withdrawn
    and not published again, or None: its public results page then says so, with the reason and date."""
    last = (
        EditionTransition.objects.filter(edition_id=pk)
        .select_related("edition__province")
        .order_by("-at", "-pk")
        .first()
    )
    if last is None or not last.is_publication_withdrawal or last.edition.is_published:
        return None
    return last


def published_edition(pk):
    """One published edition (raises Edition.DoesNotExist for any other: the views answer 404)."""
    return published_editions().get(pk=pk)


@dataclass
class ResultRow:
    """One line of a published ranking, with the same figures on every page, download and the API."""

    rank: int | None
    shared: bool
    district: object
    stage_scores: list  # [(stage, Decimal or None)], 2 places, in stage order
    final_score: Decimal | None  # 2 places
    awards: list = field(default_factory=list)  # names of the confirmed awards, in category order
    participant_id: int = 0

    @property
    def regency(self):
        return self.district.regency


def _results_queryset(edition):
    return (
        PublishedResult.objects.filter(edition=edition, edition__state__in=Edition.PUBLISHED_STATES)
        .select_related("participant__district__regency")
        .prefetch_related(
            Prefetch(
                "stage_scores", queryset=PublishedStageScore.objects.select_related("stage").order_by("stage__order")
            )
        )
        .order_by("position")
    )


def _awards_by_participant(edition):
    names = {}
    awards = (
        Award.objects.filter(category__edition=edition, confirmed_at__isnull=False)
        .order_by("category__order")
        .values_list("participant_id", "category__name")
    )
    for participant_id, name in awards:
        names.setdefault(participant_id, []).append(name)
    return names


def result_rows(edition, results=None):
    """The published ranking as ResultRows (4 queries); ``results`` may be a page of ``results_queryset``."""
    if results is None:
        results = _results_queryset(edition)
    awards = _awards_by_participant(edition)
    return [
        ResultRow(
            rank=r.rank,
            shared=r.shared,
            district=r.participant.district,
            stage_scores=[(s.stage, two_places(s.score)) for s in r.stage_scores.all()],
            final_score=two_places(r.final_score),
            awards=awards.get(r.participant_id, []),
            participant_id=r.participant_id,
        )
        for r in results
    ]


def results_queryset(edition):
    """The published rows in ranking order, for paginating (pass a page's rows to ``result_rows``)."""
    return _results_queryset(edition)


def stages_of(edition):
    return list(edition.stages.order_by("order"))


@dataclass
class Winner:
    award: str
    district: object
    final_score: Decimal | None
    photo_url: str | None  # None: the page shows a neutral placeholder
    photo_alt: str


def winners(edition):
    """The confirmed awards in category order, each with a photo: the kecamatan's office photo, else the
    first photo of its latest published innovation, else none (4 queries)."""

    awards = list(
        Award.objects.filter(
            category__edition=edition, confirmed_at__isnull=False, category__edition__state__in=Edition.PUBLISHED_STATES
        )
        .select_related("category", "participant__district__regency")
        .order_by("category__order")
    )
    codes = {a.participant.district_id for a in awards}
    with_office_photo = set(
        DistrictProfile.objects.filter(district_id__in=codes)
        .exclude(office_photo="")
        .values_list("district_id", flat=True)
    )
    first_photo = {}
    photos = (
        InnovationPhoto.objects.filter(innovation__district_id__in=codes, innovation__is_published=True)
        .order_by("innovation__district_id", "-innovation__start_year", "innovation__name", "order", "id")
        .values_list("innovation__district_id", "pk", "caption", "innovation__name")
    )
    for code, pk, caption, name in photos:
        first_photo.setdefault(code, (pk, caption or name))
    result = []
    for award in awards:
        district = award.participant.district
        if district.code in with_office_photo:
            url = reverse("results:winner_photo", args=[edition.pk, award.pk])
            alt = _office_alt(district)
        elif district.code in first_photo:
            pk, alt = first_photo[district.code]
            url = reverse("catalogue:photo", args=[pk])
        else:
            url, alt = None, ""
        result.append(Winner(award.category.name, district, award.final_score, url, alt))
    return result


def _office_alt(district):

    return _("Office of Kecamatan %(name)s") % {"name": district.name}


def winner_office_photo(edition_pk, award_pk):
    """The office photo of a confirmed award's kecamatan in a published edition (DoesNotExist otherwise)."""
    award = Award.objects.select_related("participant__district").get(
        pk=award_pk,
        category__edition_id=edition_pk,
        category__edition__state__in=Edition.PUBLISHED_STATES,
        confirmed_at__isnull=False,
    )
    return DistrictProfile.objects.get(district_id=award.participant.district_id)


def _n(value):
    """An SVG coordinate as plain text: template localisation would write 12,5 (or 1.000) otherwise."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass
class Bar:
    label: str
    value: Decimal  # shown like every other score (localised, 2 decimals)
    winner: bool
    y: str
    text_y: str
    width: str
    value_x: str


@dataclass
class Chart:
    bars: list
    width: str
    height: str
    label_x: str = _n(CHART_LABEL_WIDTH - 8)
    bar_x: str = _n(CHART_LABEL_WIDTH)
    bar_height: str = _n(CHART_BAR_HEIGHT)


def score_chart(rows):
    """Bar chart geometry of the final scores (0–100 scale) of the ranked rows, for inline SVG."""
    bars = []
    for i, row in enumerate(r for r in rows if r.final_score is not None):
        width = max(float(row.final_score) / 100 * CHART_BAR_WIDTH, 0.5)
        y = i * CHART_ROW_HEIGHT + 4
        bars.append(
            Bar(
                label=row.district.name,
                value=row.final_score,
                winner=bool(row.awards),
                y=_n(y),
                text_y=_n(y + CHART_BAR_HEIGHT - 3),
                width=_n(width),
                value_x=_n(CHART_LABEL_WIDTH + width + 6),
            )
        )
    return Chart(
        bars=bars,
        width=_n(CHART_LABEL_WIDTH + CHART_BAR_WIDTH + CHART_VALUE_WIDTH),
        height=_n(len(bars) * CHART_ROW_HEIGHT + 8),
    )


@dataclass
class DistrictResult:
    edition: Edition
    rank: int | None
    shared: bool
    final_score: Decimal | None
    participant_count: int
    awards: list


def results_of_district(district):
    """The kecamatan's results in every published edition, latest first (2 queries)."""
    results = list(
        PublishedResult.objects.filter(participant__district=district, edition__state__in=Edition.PUBLISHED_STATES)
        .select_related("edition__province")
        .annotate(
            participant_count=Subquery(
                PublishedResult.objects.filter(edition=OuterRef("edition"))
                .order_by()
                .values("edition")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )
        )
        .order_by("-edition__year", "edition__name")
    )
    awards = {}
    for participant_id, name in (
        Award.objects.filter(participant_id__in=[r.participant_id for r in results], confirmed_at__isnull=False)
        .order_by("category__order")
        .values_list("participant_id", "category__name")
    ):
        awards.setdefault(participant_id, []).append(name)
    return [
        DistrictResult(
            edition=r.edition,
            rank=r.rank,
            shared=r.shared,
            final_score=two_places(r.final_score),
            participant_count=r.participant_count,
            awards=awards.get(r.participant_id, []),
        )
        for r in results
    ]


def counted_assessors(edition, participant_ids=None):
    """{(participant_id, stage_id): how many assessors' sheets counted} in a published edition (one query).

    A sheet counts when it was submitted by an assessor without a conflict of interest with the participant
    (``ranking.counted_sheets``); the stage score combines those sheets (a trimmed mean then drops the
    highest and the lowest of them).
    """
    if edition.state not in Edition.PUBLISHED_STATES:
        return {}
    sheets = counted_sheets(stage__edition=edition)
    if participant_ids is not None:
        sheets = sheets.filter(participant_id__in=participant_ids)
    counts = sheets.values("participant_id", "stage_id").annotate(n=Count("pk")).order_by()
    return {(row["participant_id"], row["stage_id"]): row["n"] for row in counts}


def open_data_editions(province_code=None, year=None):
    """The published editions of the open data, of one province (its code) and/or one year when given:
    nothing when none matches (never another province's or year's)."""
    editions = published_editions()
    if province_code is not None:
        editions = editions.filter(province__code=province_code)
    if year is not None:
        editions = editions.filter(year=year)
    return editions


def open_data_version(province_code=None, year=None):
    """(ETag material, last change) of the open data's list of editions, in 2 queries: the published
    editions with their publication time, and the latest publication or withdrawal among the editions of the
    province and year (a withdrawal changes the list too, so it moves Last-Modified forward)."""
    published_at = EditionTransition.objects.filter(edition=OuterRef("pk"), to_state=Edition.State.PUBLISHED).order_by(
        "-at"
    )
    editions = Edition.objects.published()
    if province_code is not None:
        editions = editions.filter(province__code=province_code)
    if year is not None:
        editions = editions.filter(year=year)
    published = list(
        editions.annotate(published_at=Subquery(published_at.values("at")[:1]))
        .order_by("pk")
        .values_list("pk", "published_at")
    )
    transitions = EditionTransition.objects.filter(
        Q(to_state__in=Edition.PUBLISHED_STATES) | Q(from_state__in=Edition.PUBLISHED_STATES)
    )
    if province_code is not None:
        transitions = transitions.filter(edition__province__code=province_code)
    if year is not None:
        transitions = transitions.filter(edition__year=year)
    return published, transitions.aggregate(last=Max("at"))["last"]
