"""Writes to the region tables."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max

from .models import District, Province, Regency, Village

REGION_DATA_DIR = Path(__file__).resolve().parent / "data" / "idn-area-data"
BATCH_SIZE = 2000


@dataclass
class RegionLoadResult:
    provinces: int
    regencies: int
    districts: int
    villages: int


def _rows(data_dir, name, provinces):
    with open(Path(data_dir) / name, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if provinces is None or row["code"][:2] in provinces:
                yield row


def _upsert(model, objects, fields):
    """Insert or update by primary key in batches; running it twice changes nothing."""
    model.objects.bulk_create(
        objects, batch_size=BATCH_SIZE, update_conflicts=True, unique_fields=["code"], update_fields=fields
    )
    return len(objects)


@transaction.atomic
def load_regions(data_dir=REGION_DATA_DIR, provinces=None, villages=True):
    """Load (or refresh) the regions from the idn-area-data CSV files.

    ``provinces`` limits the load to some province codes (tests use it); ``villages=False`` skips
    the 83,762 desa/kelurahan. Rows are matched by their official code, so the load is idempotent.
    """
    provinces = set(provinces) if provinces is not None else None
    result = RegionLoadResult(
        provinces=_upsert(
            Province,
            [Province(code=r["code"], name=r["name"]) for r in _rows(data_dir, "provinces.csv", provinces)],
            ["name"],
        ),
        regencies=_upsert(
            Regency,
            [
                Regency(
                    code=r["code"],
                    province_id=r["province_code"],
                    name=r["name"],
                    kind=Regency.kind_from_name(r["name"]),
                )
                for r in _rows(data_dir, "regencies.csv", provinces)
            ],
            ["province", "name", "kind"],
        ),
        districts=_upsert(
            District,
            [
                District(code=r["code"], regency_id=r["regency_code"], name=r["name"])
                for r in _rows(data_dir, "districts.csv", provinces)
            ],
            ["regency", "name"],
        ),
        villages=0,
    )
    if villages:
        result.villages = _upsert(
            Village,
            [
                Village(code=r["code"], district_id=r["district_code"], name=r["name"])
                for r in _rows(data_dir, "villages.csv", provinces)
            ],
            ["district", "name"],
        )
    return result


# --- The kecamatan's profile and innovations ----------------------------------------------------


MAX_PHOTOS_PER_INNOVATION = 12


def _delete_file_after_commit(storage, name):
    """Remove a replaced or deleted file once the change is committed (never before: a rollback keeps it)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def save_profile(form, user):
    """Save the profile form of a kecamatan; a replaced or cleared office photo is removed from storage."""
    profile = form.instance
    old_name = type(profile).objects.filter(pk=profile.pk).values_list("office_photo", flat=True).first() or ""
    profile = form.save(commit=False)
    profile.updated_by = user
    profile.save()
    if old_name and old_name != profile.office_photo.name:
        _delete_file_after_commit(profile.office_photo.storage, old_name)
    return profile


@transaction.atomic
def save_innovation(form, figures, user):
    """Save an innovation (new or changed) and its figures; returns the innovation."""
    innovation = form.save(commit=False)
    if innovation.pk is None:
        innovation.created_by = user
    innovation.updated_by = user
    innovation.save()
    figures.instance = innovation
    for order, figure in enumerate(figures.save(commit=False)):
        figure.order = order
        figure.save()
    for figure in figures.deleted_objects:
        figure.delete()
    _renumber_figures(innovation)
    return innovation


def _renumber_figures(innovation):
    for order, figure in enumerate(innovation.figures.order_by("order", "id")):
        if figure.order != order:
            figure.order = order
            figure.save(update_fields=["order"])


class PhotoLimitReached(Exception):
    pass


@transaction.atomic
def add_innovation_photo(innovation, form, user):
    """Store a photo (already checked and re-encoded by the form) as the innovation's last photo."""
    from .models import Innovation

    # Lock the innovation so two uploads at once cannot both pass the limit.
    Innovation.objects.select_for_update().filter(pk=innovation.pk).first()
    stats = innovation.photos.aggregate(count=Count("id"), last=Max("order"))
    if stats["count"] >= MAX_PHOTOS_PER_INNOVATION:
        raise PhotoLimitReached
    photo = form.save(commit=False)
    photo.innovation = innovation
    photo.order = 0 if stats["last"] is None else stats["last"] + 1
    photo.created_by = user
    photo.save()
    return photo


@transaction.atomic
def delete_innovation_photo(photo):
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    _delete_file_after_commit(storage, name)
