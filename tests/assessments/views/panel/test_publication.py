"""Issue 12: publishing only through its confirmation page; withdrawing a publication with a reason (the public
page says so, the printed results are withdrawn, the history keeps both moves); publishing again."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessments.domain import documents, workflow
from assessments.models import Document, Edition, EditionTransition, PublishedResult
from sp2k.notices.models import Notice
from tests.assessments.domain.test_documents import final_edition  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
State = Edition.State
REASON = "Salah hitung pada tahap 2: nilai Kecamatan X tertukar."


@pytest.fixture
def admin_client(client, province_admin):
    client.force_login(province_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def published(final_edition, province_admin):  # noqa: F811
    workflow.publish(final_edition, province_admin)
    final_edition.refresh_from_db()
    return final_edition


def test_the_edition_page_leads_to_the_publish_confirmation_and_never_publishes_at_once(
    admin_client,
    final_edition,  # noqa: F811
):
    page = admin_client.get(reverse("assessments:edition_detail", args=[final_edition.pk])).content.decode()
    publish_url = reverse("assessments:publish", args=[final_edition.pk])
    assert f'href="{publish_url}"' in page
    assert 'value="published"' not in page  # no form posting the move itself

    # Posting the move directly is refused: publishing needs its confirmation page.
    admin_client.post(reverse("assessments:edition_transition", args=[final_edition.pk]), {"to_state": "published"})
    final_edition.refresh_from_db()
    assert final_edition.state == State.FINAL

    confirmation = admin_client.get(publish_url).content.decode()
    assert 'name="confirm"' in confirmation
    assert admin_client.post(publish_url, {}).status_code == 400  # the checkbox is required
    final_edition.refresh_from_db()
    assert final_edition.state == State.FINAL
    response = admin_client.post(publish_url, {"confirm": "on"})
    assert response.url == reverse("results:edition_results", args=[final_edition.pk])
    final_edition.refresh_from_db()
    assert final_edition.is_published


def test_withdrawing_asks_a_reason_and_a_confirmation(admin_client, published):
    page = admin_client.get(reverse("assessments:edition_detail", args=[published.pk])).content.decode()
    url = reverse("assessments:publication_withdraw", args=[published.pk])
    assert f'href="{url}"' in page
    assert admin_client.post(url, {"confirm": "on"}).status_code == 400  # no reason
    assert admin_client.post(url, {"reason": REASON}).status_code == 400  # not confirmed
    published.refresh_from_db()
    assert published.is_published
    # The plain move is refused too.
    with pytest.raises(Exception, match="confirmation page"):
        workflow.move_edition(published, State.FINAL, by=published.transitions.last().by, reason=REASON)


def test_a_withdrawn_publication_says_so_publicly_withdraws_the_documents_and_can_be_published_again(
    admin_client, published, province_admin, camat, django_capture_on_commit_callbacks
):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # a visitor, not signed in
    decree = documents.issue_decree(published, province_admin)
    results_url = reverse("results:edition_results", args=[published.pk])
    assert client.get(results_url).status_code == 200
    camat.email = "camat@example.org"
    camat.save()

    confirmation = admin_client.get(reverse("assessments:publication_withdraw", args=[published.pk])).content.decode()
    assert "1 printed document stating the results is withdrawn" in confirmation and "decree" in confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("assessments:publication_withdraw", args=[published.pk]), {"reason": REASON, "confirm": "on"}
        )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.state == State.FINAL
    assert not PublishedResult.objects.filter(edition=published).exists()

    # The public page, to anyone signed in or not: withdrawn, with the reason and the date.
    public = client.get(results_url)
    assert public.status_code == 200
    text = public.content.decode()
    assert "The results were withdrawn" in text and REASON in text
    withdrawal = EditionTransition.objects.filter(edition=published).last()
    assert withdrawal.is_publication_withdrawal and withdrawal.reason == REASON
    assert f"{withdrawal.at:%Y}" in text
    # Nothing of the results stays public.
    assert client.get(reverse("results:edition_csv", args=[published.pk])).status_code == 404
    assert published.name not in client.get(reverse("results:history")).content.decode()

    decree.refresh_from_db()
    assert decree.status == Document.Status.WITHDRAWN and REASON in decree.withdrawal_reason

    # Told in the portal (with the public page to read) and by e-mail.
    notice = Notice.objects.get(recipient=camat, kind=Notice.Kind.RESULTS_WITHDRAWN)
    assert REASON in notice.text and notice.link == results_url
    assert any(m.to == ["camat@example.org"] and REASON in m.body for m in mail.outbox)

    # The edition's history keeps the publication and its withdrawal, with the reason.
    detail = admin_client.get(reverse("assessments:edition_detail", args=[published.pk])).content.decode()
    assert "publication withdrawn by" in detail and REASON in detail

    # Publishing again: the results are public again (frozen anew) and the history has all three moves.
    admin_client.post(reverse("assessments:publish", args=[published.pk]), {"confirm": "on"})
    published.refresh_from_db()
    assert published.is_published
    assert PublishedResult.objects.filter(edition=published).exists()
    again = client.get(results_url).content.decode()
    assert "The results were withdrawn" not in again
    moves = list(EditionTransition.objects.filter(edition=published).values_list("from_state", "to_state"))
    assert moves[-3:] == [
        (State.FINAL, State.PUBLISHED),
        (State.PUBLISHED, State.FINAL),
        (State.FINAL, State.PUBLISHED),
    ]


def test_an_edition_never_published_is_still_a_404(client, final_edition):  # noqa: F811
    assert client.get(reverse("results:edition_results", args=[final_edition.pk])).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("assessor", 404), ("regency_admin", 403), ("other_province_admin", 404)])
def test_only_the_province_admin_withdraws(client, request, published, who, status):
    client.force_login(request.getfixturevalue(who))
    url = reverse("assessments:publication_withdraw", args=[published.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": REASON, "confirm": "on"}).status_code == status
    published.refresh_from_db()
    assert published.is_published
