"""Reads of the competition (selectors): what pages and documents show, computed in the database."""
