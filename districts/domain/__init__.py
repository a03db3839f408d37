"""Writes of the regions app: the region loader and the kecamatan's own content."""
