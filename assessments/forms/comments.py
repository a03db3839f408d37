from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import COMMENT_MAX_LENGTH


class DateInput(forms.DateInput):
    input_type = "date"


class CommentRoundForm(forms.Form):
    """Opening the draft criteria for comment (the edition page's small form)."""

    closes_on = forms.DateField(label=_("Comments until"), widget=DateInput(format="%Y-%m-%d"))
    note = forms.CharField(
        label=_("Invitation"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what the province would like the regencies and kecamatan to look at."),
    )


def comment_field_name(indicator_pk):
    return f"comment-{indicator_pk}"


def posted_comments(data):
    """{indicator pk: text} of a posted comment page (fields ``comment-<pk>``); other fields ignored."""
    texts = {}
    for name, value in data.items():
        prefix, _sep, pk = name.partition("-")
        if prefix == "comment" and pk.isdigit():
            texts[int(pk)] = value
    return texts
