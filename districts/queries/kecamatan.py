"""Reads of the kecamatan's profile and innovations, for its own pages and the public catalogue.

(``districts/selectors.py`` holds the reads of the region tables.)
"""

from django.db.models import Count, Prefetch, Q

from districts.models import District, DistrictProfile, Innovation, InnovationPhoto, Province, Regency

CATALOGUE_PAGE_SIZE = 12
SEARCH_MAX_WORDS = 8


def district_for_workspace(code):
    """The kecamatan with its regency and province joined, and its number of desa/kelurahan."""
    return District.objects.select_related("regency__province").annotate(village_count=Count("villages")).get(code=code)


def profile_of(district):
    """The kecamatan's profile, or an unsaved empty one when it has not written one yet."""
    return DistrictProfile.objects.filter(district=district).first() or DistrictProfile(district=district)


def innovations_of(district):
    """All innovations of the kecamatan, published or not, for its own pages and for an edition's entry
    (which picks the ones it presents)."""
    return Innovation.objects.filter(district=district).order_by("-start_year", "name")


def innovations_for_workspace(district):
    """The kecamatan's innovations with ``photo_count`` and ``figure_count``, in one query."""
    return innovations_of(district).annotate(
        photo_count=Count("photos", distinct=True), figure_count=Count("figures", distinct=True)
    )


def _with_cover(queryset):
    """Prefetch the photos in order as ``ordered_photos``; the first is the innovation's cover."""
    return queryset.prefetch_related(
        Prefetch("photos", queryset=InnovationPhoto.objects.order_by("order", "id"), to_attr="ordered_photos")
    )


def published_innovations():
    return Innovation.objects.filter(is_published=True)


def published_innovations_of(district):
    """What the public sees of the kecamatan's innovations (for the kecamatan page: `_innovations_list.html`)."""
    return _with_cover(
        published_innovations().filter(district=district).select_related("district").order_by("-start_year", "name")
    )


def innovation_detail(district, pk):
    """One innovation of the kecamatan with its figures and photos (404-able .get)."""
    return (
        Innovation.objects.select_related("district__regency__province", "created_by", "updated_by")
        .prefetch_related("figures", Prefetch("photos", queryset=InnovationPhoto.objects.order_by("order", "id")))
        .get(district=district, pk=pk)
    )


def public_innovation(pk):
    return (
        published_innovations()
        .select_related("district__regency__province")
        .prefetch_related("figures", Prefetch("photos", queryset=InnovationPhoto.objects.order_by("order", "id")))
        .get(pk=pk)
    )


def photo_for_serving(pk):
    """A photo with its innovation (and the innovation's kecamatan code) joined, for the permission check."""
    return InnovationPhoto.objects.select_related("innovation").get(pk=pk)


def search_words(raw):
    """The distinct words of a search, at most SEARCH_MAX_WORDS of them."""
    words = []
    for word in (raw or "").split():
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    return words[:SEARCH_MAX_WORDS]


def catalogue(filters):
    """Published innovations matching the catalogue's filters (``q``, ``province``, ``regency``, ``year``,
    ``category``), with the kecamatan, regency and province joined and the photos prefetched."""
    queryset = published_innovations()
    for word in search_words(filters.get("q")):
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(problem__icontains=word) | Q(idea__icontains=word) | Q(results__icontains=word)
        )
    if filters.get("province"):
        queryset = queryset.filter(district__regency__province=filters["province"])
    if filters.get("regency"):
        queryset = queryset.filter(district__regency=filters["regency"])
    if filters.get("year"):
        queryset = queryset.filter(start_year=filters["year"])
    if filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    return _with_cover(queryset.select_related("district__regency__province").order_by("-start_year", "name", "pk"))


def catalogue_provinces():
    """Provinces that have at least one published innovation (the filter's choices)."""
    return Province.objects.filter(regencies__districts__innovations__is_published=True).distinct().order_by("code")


def catalogue_regencies(province_code=None):
    """Regencies with a published innovation, within the province (a code) when one is chosen."""
    queryset = Regency.objects.filter(districts__innovations__is_published=True)
    if province_code:
        queryset = queryset.filter(province_id=province_code)
    return queryset.distinct().order_by("code")


def catalogue_years():
    return list(published_innovations().order_by("-start_year").values_list("start_year", flat=True).distinct())
