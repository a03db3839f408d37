"""Who may do what in the competition. Each area adds its perms below its own heading."""

import rules

from sp2k.accounts.rules import is_assessor, is_province_admin, is_superuser


def _province_code(obj):
    """The province (tenant) an object of this app belongs to."""
    edition = getattr(obj, "edition", None) or getattr(getattr(obj, "stage", None), "edition", None) or obj
    return getattr(edition, "province_id", None)


@rules.predicate
def is_edition_admin(user, obj):
    """A province admin of the province the edition (or stage, participant, sheet...) belongs to."""
    return bool(obj is not None and is_province_admin(user) and user.province_id == _province_code(obj))


@rules.predicate
def is_edition_assessor(user, edition):
    return bool(edition is not None and is_assessor(user) and edition.assessors.filter(user=user).exists())


@rules.predicate
def is_sheet_assessor(user, sheet):
    return bool(sheet is not None and is_assessor(user) and sheet.assessor_id == user.pk)


@rules.predicate
def is_published(user, edition):
    from .models import Edition

    return edition is not None and edition.state == Edition.State.PUBLISHED


manages_edition = is_superuser | is_edition_admin

# --- editions and their configuration ---
rules.add_perm("assessments.manage_editions", is_superuser | is_province_admin)
rules.add_perm("assessments.view_edition", manages_edition | is_edition_assessor)
rules.add_perm("assessments.change_edition", manages_edition)
