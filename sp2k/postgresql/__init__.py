"""The portal's PostgreSQL backend (``ENGINE = "sp2k.postgresql"``): Django's, with a health check that costs no
round trip (``base.DatabaseWrapper.is_usable``)."""
