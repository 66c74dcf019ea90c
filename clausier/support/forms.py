"""The staff's escalation-list form (managed hosting art. 5): up to ten rows, in order.
It only reads input; `escalation.replace_list` decides (same messages as the API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clausier.support.models import ContactHours, EscalationContact
from clausier.support.services.escalation import MAX_CONTACTS


class EscalationRowForm(forms.Form):
    # Plain text fields: the service checks names, numbers and addresses, so the page
    # and the API refuse with the same words.
    name = forms.CharField(label=_("Nom ou fonction"), required=False, max_length=500)
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    hours = forms.ChoiceField(
        label=_("Joignable"), choices=ContactHours.choices, initial=ContactHours.ALWAYS
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(str(data.get(key) or "").strip() for key in ("name", "phone", "email"))


EscalationFormSet = forms.formset_factory(
    EscalationRowForm,
    extra=MAX_CONTACTS,
    max_num=MAX_CONTACTS,
    absolute_max=MAX_CONTACTS,
    validate_max=True,
)


def initial_rows(contacts: list[EscalationContact]) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "phone": c.phone, "email": c.email, "hours": c.hours} for c in contacts
    ]


def filled_rows(formset: Any) -> list[dict[str, Any]]:
    """The rows typed, in the order shown; blank rows are left out (that is how a rung
    is removed)."""
    return [dict(form.cleaned_data) for form in formset.forms if not form.is_blank()]


def compacted(formset: Any) -> Any:
    """A refused list shown again as typed, its filled rows first: the service's "Ligne N"
    counts filled rows, so it is then the page's "Contact N"."""
    rows = filled_rows(formset)
    prefix = formset.prefix
    data = {
        f"{prefix}-TOTAL_FORMS": str(MAX_CONTACTS),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(MAX_CONTACTS),
    }
    for index in range(MAX_CONTACTS):
        row = rows[index] if index < len(rows) else {"hours": ContactHours.ALWAYS}
        for key in ("name", "phone", "email", "hours"):
            data[f"{prefix}-{index}-{key}"] = str(row.get(key) or "")
    return EscalationFormSet(data, prefix=prefix)
