"""Writes to the region tables."""

from django.db import transaction
from django.db.models import Count, Max

from districts.models import Innovation
from sp2k.stored_files import removed_on_failure

# --- The kecamatan's profile and innovations ----------------------------------------------------


MAX_PHOTOS_PER_INNOVATION = 12


def _delete_file_after_commit(storage, name):
    """Remove a replaced or deleted file once the change is committed (never before: a rollback keeps it)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def save_profile(form, user):
    """Save the profile form of a kecamatan; a replaced or cleared office photo is removed from storage.

    A new photo is stored with the row: if the row is not saved, the new photo goes and the old one stays.
    """
    with removed_on_failure() as stored, transaction.atomic():
        profile = form.instance
        old_name = type(profile).objects.filter(pk=profile.pk).values_list("office_photo", flat=True).first() or ""
        profile = form.save(commit=False)
        profile.updated_by = user
        try:
            profile.save()
        finally:
            stored.track(profile.office_photo, unless=old_name)
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


def add_innovation_photo(innovation, form, user):
    """Store a photo (already checked and re-encoded by the form) as the innovation's last photo.

    The photo is stored with its row: if the row is not saved, the photo goes too.
    """
    with removed_on_failure() as stored, transaction.atomic():
        # Lock the innovation so two uploads at once cannot both pass the limit.
        Innovation.objects.select_for_update().filter(pk=innovation.pk).first()
        stats = innovation.photos.aggregate(count=Count("id"), last=Max("order"))
        if stats["count"] >= MAX_PHOTOS_PER_INNOVATION:
            raise PhotoLimitReached
        photo = form.save(commit=False)
        photo.innovation = innovation
        photo.order = 0 if stats["last"] is None else stats["last"] + 1
        photo.created_by = user
        try:
            photo.save()
        finally:
            stored.track(photo.image)
    return photo


@transaction.atomic
def delete_innovation_photo(photo):
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    _delete_file_after_commit(storage, name)
