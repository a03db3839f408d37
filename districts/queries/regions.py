"""Reads of the region tables for the public pages. Counts are computed in the database."""

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Upper

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


def normalize_search_query(raw):
    """Trim and collapse spaces, so that "  taman  " and "taman" search alike."""
    return " ".join((raw or "").split())


def search_districts(query):
    """Kecamatan whose name contains ``query`` (any case): exact names first, then prefixes, then the rest.

    ``query`` must already be normalised, at least ``SEARCH_MIN_LENGTH`` and at most ``SEARCH_MAX_LENGTH``
    long. Each row carries its regency and province (one query for any number of rows).
    """
    needle = query.upper()
    return (
        District.objects.annotate(name_upper=Upper("name"))
        .filter(name_upper__contains=needle)
        .annotate(
            match_rank=Case(
                When(name_upper=needle, then=Value(0)),
                When(name_upper__startswith=needle, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .select_related("regency__province")
        .order_by("match_rank", "name", "code")
    )
