"""Forms of the follow-up channel: the receipt and the reply (public), the question (staff).

They only parse; the length and emptiness rules live in ``tips.followups`` so that every caller gets
them, and the fields mirror them so that browsers help before anything is sent.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from traceobject.tips.followups import MESSAGE_MAX


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        # 16 characters, up to 3 dashes, and some room for spaces typed from paper.
        max_length=40,
        help_text=_(
            "The 16-character code you were given when you sent your tip, for example 7KQ4-M2XD-9TBA-H3PV."
        ),
        widget=forms.TextInput(
            # A code reads left to right on an Arabic or Persian page too (dir="ltr").
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "dir": "ltr"}
        ),
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        error_messages={"required": _("Write a message first.")},
    )


class ReplyForm(MessageForm):
    """The tipster's answer to the thread."""


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Question for the tipster"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The tipster sees it when they come back with their receipt. Ask about the object, never "
            "about who they are."
        ),
        error_messages={"required": _("Write a message first.")},
    )


__all__ = ["MessageForm", "QuestionForm", "ReceiptForm", "ReplyForm"]
