"""Regions (loaded from official data) and the kecamatan's own content (written by the kecamatan)."""

from districts.models.kecamatan import (
    INNOVATION_FIRST_YEAR,
    NIP_LENGTH,
    DistrictProfile,
    Innovation,
    InnovationCategory,
    InnovationFigure,
    InnovationPhoto,
    InnovationStatus,
    _random_name,
    innovation_photo_path,
    phone_validator,
    profile_photo_path,
    validate_nip,
    validate_start_year,
)
from districts.models.regions import District, Province, Regency, Village
