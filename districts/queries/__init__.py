"""Reads of regions and of the kecamatan's content."""
