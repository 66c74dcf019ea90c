from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import Role


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password = forms.CharField(label=_("Mot de passe"), strip=False, widget=forms.PasswordInput)


class ActivationForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    password = forms.CharField(label=_("Mot de passe"), strip=False, widget=forms.PasswordInput)
    password_confirm = forms.CharField(
        label=_("Confirmez le mot de passe"), strip=False, widget=forms.PasswordInput
    )

    def __init__(self, *args: Any, existing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing:
            # An existing account proves itself with its own password: there is nothing
            # to confirm and no name to give, and a field the page does not show must not
            # be able to refuse the form (a 400 with no visible error).
            for name in ("first_name", "last_name", "password_confirm"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.existing
            and data.get("password")
            and data.get("password") != data.get("password_confirm")
        ):
            self.add_error("password_confirm", _("Les deux mots de passe ne sont pas identiques."))
        return data


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Langue"), choices=settings.LANGUAGES)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail professionnel"), max_length=254)
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            (Role.CLIENT_MEMBER.value, Role.CLIENT_MEMBER.label),
            (Role.CLIENT_ADMIN.value, Role.CLIENT_ADMIN.label),
        ],
    )
    language = forms.ChoiceField(label=_("Langue de l'invitation"), choices=settings.LANGUAGES)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label=_("Nouvelle adresse e-mail"), max_length=254)
    password = forms.CharField(
        label=_("Mot de passe actuel"), strip=False, widget=forms.PasswordInput
    )


class ClientBillingForm(forms.Form):
    """The client admin's billing contact: where invoices and reminders go, in which
    language (issue 16)."""

    billing_email = forms.EmailField(
        label=_("E-mail de facturation"), max_length=254, required=False
    )
    billing_language = forms.ChoiceField(
        label=_("Langue des e-mails de facturation"), choices=settings.LANGUAGES
    )
