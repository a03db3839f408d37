import math

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def unlocked_at(cooloff):
    """When a lock-out of ``cooloff`` (a timedelta) that started now ends.

    Axes counts the cool-off from the latest failed attempt, and the refused attempt that shows the
    lock-out page is one, so "now" is the right start.
    """
    return timezone.now() + cooloff if cooloff else None


@register.filter
def whole_minutes(delta):
    """A timedelta in minutes, rounded up (a wait of 29.5 minutes is announced as 30)."""
    return math.ceil(delta.total_seconds() / 60) if delta else 0
