"""The contract a support row is judged by: the pack the client accepted and the
provider's office calendar (its seat's holidays, art. 2, 5)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from clausier.accounts.models import ClientOrganisation, Membership, Person, Role
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.core.businesstime import Calendar
from clausier.support.errors import NotSupportStaff, SupportError
from clausier.terms.packs import Pack
from clausier.terms.rules.managed_hosting import office_calendar
from clausier.terms.services import TermsNotAccepted, pack_for

# Staff who answer tickets and run interventions.
SUPPORT_ROLES = {Role.OWNER.value, Role.ENGINEER.value}


def pack_of_client(client: ClientOrganisation) -> Pack:
    """The support contract is the provider's line, in the version the client accepted."""
    try:
        return pack_for(client, client.provider.service_line)
    except TermsNotAccepted:
        raise SupportError(
            _("Le client n'a pas accepté de conditions générales : pas de support."), "no_contract"
        ) from None


def calendar_of(client: ClientOrganisation, pack: Pack) -> Calendar:
    return office_calendar(pack, client.provider.holiday_seat)


def is_support_staff(person: Person, provider_id: int) -> bool:
    return provider_id in staff_provider_ids(person, SUPPORT_ROLES)


def is_client_user(person: Person, client_id: int) -> bool:
    return client_id in client_ids(person)


def require_support_staff(person: Person, provider_id: int) -> None:
    if not is_support_staff(person, provider_id):
        raise NotSupportStaff(_("Réservé aux ingénieurs du prestataire."))


def require_party(person: Person, provider_id: int, client_id: int) -> None:
    """The client's own users or the provider's support staff."""
    if not (is_support_staff(person, provider_id) or is_client_user(person, client_id)):
        raise SupportError(_("Ce ticket n'existe pas."), "not_found")


def support_staff(provider_id: int) -> QuerySet[Person]:
    """The provider's engineers and owners: who a ticket may be assigned to."""
    ids = Membership.objects.filter(
        provider_id=provider_id,
        client__isnull=True,
        role__in=SUPPORT_ROLES,
        revoked_at__isnull=True,
        suspended_at__isnull=True,
    ).values_list("person_id", flat=True)
    return Person.objects.filter(pk__in=ids).order_by("email")
