"""Issue 11: every search box has a length cap: a 50,000-character search answers (with a message where
the page has one), never 500, on SQLite and PostgreSQL alike; the inputs carry ``maxlength``."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from districts.queries.regions import SEARCH_MAX_LENGTH

pytestmark = pytest.mark.django_db

HUGE = "taman " * (50_000 // 6)  # 50,000 characters


@pytest.fixture
def english_client():
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_50000_character_region_search_answers_with_a_message(english_client, regions):
    response = english_client.get(reverse("districts:search"), {"q": HUGE})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"The search is too long: type at most {SEARCH_MAX_LENGTH} characters" in page
    assert HUGE[:2000] not in page  # the query is not echoed back in full
    assert f'maxlength="{SEARCH_MAX_LENGTH}"' in page


def test_a_search_at_the_cap_still_searches(english_client, regions):
    spaced = "Taman" + " " * SEARCH_MAX_LENGTH + "x"  # spaces are collapsed before counting
    response = english_client.get(reverse("districts:search"), {"q": spaced})
    assert response.status_code == 200 and response.context["too_long"] is False
    response = english_client.get(reverse("districts:search"), {"q": "Taman"})
    assert response.context["searched"] and "Taman" in response.content.decode()


def test_the_navbar_search_box_is_capped(english_client, regions):
    page = english_client.get(reverse("districts:search"), {"q": HUGE}).content.decode()
    assert 'name="q" maxlength="100"' in page


def test_a_50000_character_catalogue_search_answers(english_client, regions):
    response = english_client.get(reverse("catalogue:list"), {"q": HUGE})
    assert response.status_code == 200
    assert 'maxlength="100"' in response.content.decode()


def test_a_50000_character_account_search_answers(english_client, province_admin):
    english_client.force_login(province_admin)
    response = english_client.get(reverse("accounts:user_list"), {"q": HUGE})
    assert response.status_code == 200
    assert 'maxlength="100"' in response.content.decode()
