"""Every write and every rule of the competition, one module per subject.

Views, the Excel round trip, the Django admin and management commands all go through these
functions, so a rule written here holds on every path.
"""
