"""Indonesian first, English second."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES"


def test_every_interface_text_has_an_indonesian_translation():
    import polib

    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []


def test_compiled_translations_are_up_to_date():
    """The .mo the portal reads holds the same translations as the .po (run `make messages` after editing)."""
    import polib

    po = {e.msgid: e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(str(LOCALE / "django.po"))}
    mo = {e.msgid: e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(LOCALE / "django.mo"))}
    assert {k: v for k, v in po.items() if k} == {k: v for k, v in mo.items() if k}


def test_dates_are_written_the_indonesian_way_in_western_indonesian_time(indonesian):
    moment = datetime(2022, 12, 28, 2, 30, tzinfo=ZoneInfo("UTC"))  # 09.30 WIB
    rendered = Template("{{ moment|date }} · {{ moment|time }}").render(Context({"moment": moment}))
    assert rendered == "Rabu, 28 Desember 2022 · 09.30"
    with translation.override("en"):
        assert Template("{{ moment|date }}").render(Context({"moment": moment})) == "Wednesday, 28 December 2022"


@pytest.mark.django_db
def test_pages_are_indonesian_by_default_and_english_on_request(client, indonesian):
    page = client.get("/akun/masuk/").content.decode()
    assert 'lang="id"' in page and "Masuk" in page and "Nama pengguna" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
    page = client.get("/akun/masuk/").content.decode()
    assert 'lang="en"' in page and "Password" in page


@pytest.mark.parametrize(
    ("weight_of", "sentence"),
    [
        (
            "aspects",
            "Aspek lain pada tahap ini berbobot total 75; agar jumlahnya menjadi 100, bobot aspek ini harus 25.",
        ),
        (
            "indicators",
            "Indikator lain pada aspek ini berbobot total 60; agar jumlahnya menjadi 100, "
            "bobot indikator ini harus 40.",
        ),
    ],
)
def test_the_weight_hints_are_whole_indonesian_sentences_with_a_capital(weight_of, sentence, indonesian):
    others = 75 if weight_of == "aspects" else 60
    context = {"weight_of": weight_of, "weight_note": {"others": others, "needed": 100 - others}}
    rendered = render_to_string("assessments/editions/_weight_note.html", context)
    assert sentence in rendered
