def test_home_page_is_public_and_indonesian(client, db, indonesian):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()


def test_healthz_answers_ok_to_anyone(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_answers_without_the_database(client, django_db_blocker):
    """No database access is allowed here: the supervisor's check must not fail (and restart the app servers)
    while only the database is away; that is /readyz/'s to say."""
    with django_db_blocker.block():
        response = client.get("/healthz/")
    assert (response.status_code, response.content) == (200, b"ok")


def test_database_outage_answers_a_clean_503(client, db):
    from unittest import mock

    from django.db import OperationalError

    client.raise_request_exception = False
    with mock.patch("sp2k.views.HealthView.get", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "try again" in page or "coba lagi" in page
    assert "connection refused" not in page and "Traceback" not in page


def test_other_errors_still_answer_500(client, db):
    from unittest import mock

    client.raise_request_exception = False
    with mock.patch("sp2k.views.HealthView.get", side_effect=RuntimeError("boom")):
        response = client.get("/healthz/")
    assert response.status_code == 500
    assert "boom" not in response.content.decode()
