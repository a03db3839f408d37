"""Region pages, the kecamatan workspace and the public innovation catalogue."""
