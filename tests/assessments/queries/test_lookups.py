"""The one tenant-scoped lookup: an object is found only if the user may see its edition."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from assessments.models import Edition, EditionAssessor, Participant, ScoreSheet, Stage
from assessments.queries.lookups import EDITION_PATHS, visible_object_or_404, visible_to
from sp2k.accounts.models import Role

pytestmark = pytest.mark.django_db


def _edition(province, name, state):
    return Edition.objects.create(province=province, name=name, year=2024, state=state)


@pytest.fixture
def editions(jatim, jabar):
    return {
        "draft": _edition(jatim, "Jatim draft", Edition.State.DRAFT),
        "assessment": _edition(jatim, "Jatim assessment", Edition.State.ASSESSMENT),
        "published": _edition(jatim, "Jatim published", Edition.State.PUBLISHED),
        "other_draft": _edition(jabar, "Jabar draft", Edition.State.DRAFT),
        "other_published": _edition(jabar, "Jabar published", Edition.State.PUBLISHED),
    }


def found(user, editions, **options):
    """The names of the editions the user finds by pk, one lookup each."""
    names = set()
    for name, edition in editions.items():
        try:
            visible_object_or_404(user, Edition, pk=edition.pk, **options)
        except Http404:
            continue
        names.add(name)
    return names


def test_each_role_finds_the_editions_it_may_see(
    editions, superuser, province_admin, other_province_admin, regency_admin, camat, assessor, make_user, jabar
):
    EditionAssessor.objects.create(edition=editions["assessment"], user=assessor)
    other_assessor = make_user("penilai-jabar", Role.ASSESSOR, province=jabar)
    assert found(superuser, editions) == set(editions)
    assert found(province_admin, editions) == {"draft", "assessment", "published"}  # its province's, drafts too
    assert found(other_province_admin, editions) == {"other_draft", "other_published"}
    assert found(assessor, editions) == {"assessment"}  # the editions it assesses, nothing else of the province
    assert found(other_assessor, editions) == set()
    for user in (regency_admin, camat):  # its province's editions past their draft
        assert found(user, editions) == {"assessment", "published"}
    assert found(AnonymousUser(), editions) == {"published", "other_published"}


def test_public_pages_find_every_published_edition(editions, province_admin, jabar, make_user):
    other_assessor = make_user("penilai-jabar", Role.ASSESSOR, province=jabar)
    assert found(province_admin, editions, public_when_published=True) == {
        "draft",
        "assessment",
        "published",
        "other_published",
    }
    assert found(other_assessor, editions, public_when_published=True) == {"published", "other_published"}


def test_what_belongs_to_an_edition_follows_it(editions, other_province_admin, province_admin, assessor, rogojampi):
    edition = editions["assessment"]
    stage = Stage.objects.create(edition=edition, order=1, kind=Stage.Kind.DESK, name="Desk")
    participant = Participant.objects.create(edition=edition, district=rogojampi)
    sheet = ScoreSheet.objects.create(stage=stage, participant=participant, assessor=assessor)
    for queryset, obj in ((Stage.objects.all(), stage), (Participant, participant), (ScoreSheet, sheet)):
        assert visible_object_or_404(province_admin, queryset, pk=obj.pk) == obj
        with pytest.raises(Http404):
            visible_object_or_404(other_province_admin, queryset, pk=obj.pk)
    # The assessor is not (yet) one of the edition's: its own sheet is not found either.
    with pytest.raises(Http404):
        visible_object_or_404(assessor, ScoreSheet, pk=sheet.pk)
    EditionAssessor.objects.create(edition=edition, user=assessor)
    assert visible_object_or_404(assessor, ScoreSheet, pk=sheet.pk) == sheet


def test_every_model_has_a_way_to_its_edition(superuser):
    """Each path of EDITION_PATHS is a real lookup (a typo would only show at the first request)."""
    for model in EDITION_PATHS:
        list(visible_to(superuser, model, public_when_published=True))
