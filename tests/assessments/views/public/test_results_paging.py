# ruff: noqa: F811 - the shared fixtures are imported from tests.test_awards and named as arguments
"""The published ranking and the documents page of a big edition: a page at a time, a fixed query count."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Document, Participant, PublishedResult, PublishedStageScore
from districts.models import District
from tests.assessments.domain.test_awards import (  # noqa: F401 - fixtures
    final_edition,
    published_edition,
    scorer,
)


def _grow(edition, total):
    """Published rows (with their stage scores) and documents up to ``total`` of each."""
    taken = edition.participants.values_list("district_id", flat=True)
    districts = District.objects.filter(regency__province_id="35").exclude(code__in=taken).order_by("code")
    more = total - edition.participants.count()
    participants = Participant.objects.bulk_create(
        Participant(edition=edition, district=d, status=Participant.Status.ACCEPTED) for d in districts[:more]
    )
    start = edition.published_results.count()
    results = PublishedResult.objects.bulk_create(
        PublishedResult(edition=edition, participant=p, position=start + i + 1, final_score=Decimal(40))
        for i, p in enumerate(participants)
    )
    stages = list(edition.stages.all())
    PublishedStageScore.objects.bulk_create(
        PublishedStageScore(result=r, stage=s, score=Decimal(40)) for r in results for s in stages
    )
    count = edition.documents.count()
    Document.objects.bulk_create(
        Document(
            edition=edition,
            kind=Document.Kind.RECAP,
            subject=f"bench:{i}",
            code=f"code-{edition.pk}-{i}",
            content_hash="0" * 64,
            facts={},
        )
        for i in range(total - count)
    )


@pytest.mark.parametrize("total", [30, 120])
def test_results_and_documents_pages_cost_the_same_at_any_size(
    client, published_edition, province_admin, total, django_assert_max_num_queries
):
    _grow(published_edition, total)
    results = reverse("results:edition_results", args=[published_edition.pk])
    for page in (1, 2):
        with django_assert_max_num_queries(11):
            response = client.get(results, {"page": page})
        assert len(response.context["rows"]) == (30 if total == 30 else 50)
    client.force_login(province_admin)
    documents = reverse("documents:edition", args=[published_edition.pk])
    for page in (1, 2):
        with django_assert_max_num_queries(30):
            response = client.get(documents, {"page": page})
        assert response.status_code == 200
        assert len(response.context["all_documents"]) == (30 if total == 30 else 50)


def test_the_published_ranking_says_which_page_of_how_many(client, published_edition, province_admin):
    _grow(published_edition, 120)
    page = client.get(reverse("results:edition_results", args=[published_edition.pk]), {"page": 3})
    text = page.content.decode()
    assert "Page 3 of 3" in text and "Showing 101–120 of 120" in text and 'href="?page=2"' in text
    assert len(page.context["chart"].bars) == 20  # the chart shows the page's rows
    client.force_login(province_admin)
    text = client.get(reverse("documents:edition", args=[published_edition.pk]), {"page": 3}).content.decode()
    assert "Page 3 of 3" in text
