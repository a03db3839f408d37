"""Region tables (read-only, loaded from official data) and the kecamatan's content."""

from districts.admin import kecamatan, regions  # noqa: F401
