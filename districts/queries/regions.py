"""Reads of the region tables for the public pages. Counts are computed in the database."""

import re
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Replace, Upper

from districts.models.regions import District, Province, Regency, Village

# Kecamatan names can be two letters long (Gu, Kabupaten Buton Tengah), so two is the floor.
SEARCH_MIN_LENGTH = 2
# Longer searches are refused before they reach the database (SQLite refuses LIKE patterns of 50,000 bytes).
SEARCH_MAX_LENGTH = 100


def provinces_with_counts():
    """All provinces, each with ``regency_count`` and ``district_count``, in one query."""
    return Province.objects.annotate(
        regency_count=Count("regencies", distinct=True),
        district_count=Count("regencies__districts"),
    ).order_by("code")


def province_detail():
    return Province.objects.all()


def regencies_of(province):
    """The province's kabupaten and kota, each with ``district_count``."""
    return Regency.objects.filter(province=province).annotate(district_count=Count("districts")).order_by("code")


def province_totals(province):
    """Numbers of regencies (``kabupaten``, ``kota``) and kecamatan of a province, in one query."""
    return Regency.objects.filter(province=province).aggregate(
        regencies=Count("code", distinct=True),
        kabupaten=Count("code", distinct=True, filter=Q(kind=Regency.Kind.KABUPATEN)),
        kota=Count("code", distinct=True, filter=Q(kind=Regency.Kind.KOTA)),
        districts=Count("districts"),
    )


def regency_detail():
    return Regency.objects.select_related("province")


def districts_of(regency):
    """The regency's kecamatan, each with ``village_count``."""
    return District.objects.filter(regency=regency).annotate(village_count=Count("villages")).order_by("code")


def district_detail():
    return District.objects.select_related("regency__province")


def villages_of(district):
    return Village.objects.filter(district=district).order_by("code")


# Quote marks people type for the same apostrophe (Ra'as, Ra’as; the source data even writes Ra"as):
# the search ignores them all, on both sides, so "raas", "ra'as" and "ra’as" find the same kecamatan.
QUOTE_MARKS = ("'", "\u2019", "\u2018", "\u02bc", "`", '"')
# "kec. rogojampi", "kecamatan rogojampi": the kecamatan's name follows.
_DISTRICT_PREFIX = re.compile(r"^(?:kec\.|kec\s|kecamatan\s)\s*", re.IGNORECASE)
# "kab. banyuwangi", "rogojampi kabupaten banyuwangi", "kota batu": the regency or city follows.
_REGENCY_PART = re.compile(r"(?:^|[\s,]+)(kab\.|kab\s|kabupaten\s|kota\s)\s*(?P<name>.+)$", re.IGNORECASE)
# A region code as printed (35.10.13, 35.10) or typed without dots (351013, 3510).
_CODE = re.compile(r"^\d{2}(?:\.?\d{2}){0,2}$")


def normalize_search_query(raw):
    """Trim and collapse spaces, so that "  taman  " and "taman" search alike; one apostrophe for all."""
    text = " ".join((raw or "").split())
    for mark in QUOTE_MARKS[1:]:
        text = text.replace(mark, "'")
    return text


@dataclass(frozen=True)
class SearchTerms:
    """What a search asks for: part of a kecamatan's name, part of its regency's name (and its kind), or a
    code prefix. Empty parts ask nothing."""

    text: str  # the whole query, without quote marks, upper case (a kecamatan named "Kota Sumenep" matches it)
    district: str = ""
    regency: str = ""
    regency_kind: str = ""
    code: str = ""


def _bare(text):
    for mark in QUOTE_MARKS:
        text = text.replace(mark, "")
    return " ".join(text.split()).upper()


def parse_search_query(query):
    """The ``SearchTerms`` of a normalised query (see ``search_districts``)."""
    if _CODE.match(query):
        digits = query.replace(".", "")
        return SearchTerms(text="", code=".".join(digits[i : i + 2] for i in range(0, len(digits), 2)))
    rest = _DISTRICT_PREFIX.sub("", query)
    regency = kind = ""
    match = _REGENCY_PART.search(rest)
    if match:
        kind = Regency.Kind.KOTA if match.group(1).lower().startswith("kota") else Regency.Kind.KABUPATEN
        regency = _bare(match.group("name"))
        rest = rest[: match.start()]
    return SearchTerms(text=_bare(query), district=_bare(rest.strip(" ,")), regency=regency, regency_kind=kind)


def _without_quote_marks(expression):
    for mark in QUOTE_MARKS:
        expression = Replace(expression, Value(mark), Value(""))
    return expression


def search_districts(query):
    """Kecamatan matching ``query``: exact names first, then prefixes, then the rest (then by name).

    The query may start with "kec."/"kecamatan", name the regency or city ("kab. banyuwangi", "rogojampi
    kab. banyuwangi", "kota batu"), or be a code (``35.10.13``, ``351013``, or a regency's ``35.10``).
    Apostrophes are ignored (Ra'as = Ra’as = Raas). ``query`` must already be normalised, at least
    ``SEARCH_MIN_LENGTH`` and at most ``SEARCH_MAX_LENGTH`` long. Each row carries its regency and province
    (one query for any number of rows).
    """
    terms = parse_search_query(query)
    rows = District.objects.annotate(name_bare=_without_quote_marks(Upper("name")))
    if terms.code:
        return (
            rows.filter(code__startswith=terms.code)
            .annotate(
                match_rank=Case(When(code=terms.code, then=Value(0)), default=Value(1), output_field=IntegerField())
            )
            .select_related("regency__province")
            .order_by("match_rank", "code")
        )
    needle = terms.district or ("" if terms.regency else terms.text)
    match = Q(name_bare__contains=needle) if needle else Q()
    if terms.regency:
        match &= Q(regency__kind=terms.regency_kind) & Q(regency_bare__contains=terms.regency)
        rows = rows.annotate(regency_bare=_without_quote_marks(Upper("regency__name")))
        # The whole query may also be a kecamatan's own name ("Kota Sumenep" is a kecamatan of Sumenep).
        match |= Q(name_bare__contains=terms.text)
    ranks = [When(name_bare=needle, then=Value(0)), When(name_bare__startswith=needle, then=Value(1))] if needle else []
    return (
        rows.filter(match)
        .annotate(match_rank=Case(*ranks, default=Value(2), output_field=IntegerField()))
        .select_related("regency__province")
        .order_by("match_rank", "name", "code")
    )
