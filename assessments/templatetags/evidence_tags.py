"""Template helpers for evidence (data dukung)."""

from django import template

register = template.Library()


@register.filter
def files_for(evidence, indicator):
    """The indicator's files from ``evidence_by_indicator()``'s mapping (an empty list if none)."""
    if not evidence or indicator is None:
        return []
    return evidence.get(getattr(indicator, "pk", indicator), [])
