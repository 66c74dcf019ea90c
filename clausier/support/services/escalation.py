"""The provider's escalation list, given to its clients (managed hosting art. 5: "une
liste de mail et de numéros de téléphone en escalade est fournie au client pour qu'il
s'assure de la bonne prise en compte de son incident"; "une liste de numéros de téléphone
d'urgence est fournie au client"). Support staff replace it as a whole; every client
user of the provider reads it on the support pages and over the API."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts.models import Person, Provider
from clausier.core import audit
from clausier.support.errors import SupportError
from clausier.support.models import ContactHours, EscalationContact
from clausier.support.services.contract import require_support_staff

MAX_CONTACTS = 10
# A dialable number: an optional +, then digits with the usual separators.
PHONE = re.compile(r"\+?[0-9](?:[0-9 .()-]){5,28}")


def contacts_of(provider_id: int) -> list[EscalationContact]:
    return list(EscalationContact.objects.filter(provider_id=provider_id).order_by("position"))


def replace_list(
    *, now: datetime, actor: Person, provider: Provider, contacts: Sequence[Mapping[str, Any]]
) -> list[EscalationContact]:
    """The whole list, in order; refused as a whole (nothing changes) if one row is wrong."""
    require_support_staff(actor, provider.pk)
    if not contacts:
        raise SupportError(
            _("La liste d'escalade fournie au client compte au moins un contact (art. 5)."),
            "escalation_list_empty",
        )
    if len(contacts) > MAX_CONTACTS:
        raise SupportError(
            _("Au plus %(count)s contacts d'escalade.") % {"count": MAX_CONTACTS},
            "escalation_list_too_long",
        )
    rows = [_row(provider, position, contact) for position, contact in enumerate(contacts, start=1)]
    with transaction.atomic():
        EscalationContact.objects.filter(provider=provider).delete()
        EscalationContact.objects.bulk_create(rows)
        audit.record(
            "support.escalation_list",
            provider,
            actor=actor,
            provider=provider,
            details={"contacts": len(rows), "at": now.isoformat()},
        )
    return contacts_of(provider.pk)


def _row(provider: Provider, position: int, contact: Mapping[str, Any]) -> EscalationContact:
    name = " ".join(str(contact.get("name") or "").split())
    phone = " ".join(str(contact.get("phone") or "").split())
    email = str(contact.get("email") or "").strip()
    hours = str(contact.get("hours") or ContactHours.ALWAYS)
    line = {"line": position}
    if not name or len(name) > 120:
        raise SupportError(
            _("Ligne %(line)s : un nom ou une fonction (120 caractères au plus).") % line,
            "escalation_name",
        )
    if not phone and not email:
        raise SupportError(
            _("Ligne %(line)s : un téléphone ou un e-mail.") % line, "escalation_unreachable"
        )
    if phone and not PHONE.fullmatch(phone):
        raise SupportError(
            _("Ligne %(line)s : numéro de téléphone illisible.") % line, "escalation_phone"
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise SupportError(
                _("Ligne %(line)s : adresse e-mail invalide.") % line, "escalation_email"
            ) from None
    if hours not in ContactHours.values:
        raise SupportError(_("Ligne %(line)s : disponibilité inconnue.") % line, "escalation_hours")
    return EscalationContact(
        provider=provider, position=position, name=name, phone=phone, email=email, hours=hours
    )
