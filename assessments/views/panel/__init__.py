"""The signed-in panel: province admins, assessors, regencies and kecamatan at work."""
