"""URL modules of the regions app: /wilayah/, /kecamatan/, /inovasi/."""
