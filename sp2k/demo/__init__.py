"""Demo data for trying the portal (marked as examples; never for production): ``manage.py load_demo``.

The top layer: it builds through the domain like any user would, and nothing imports it.
"""
