"""Small builders for explicit test data (no fixture soup)."""

from __future__ import annotations

import itertools
import re
from typing import Any

from clausier.accounts.models import ClientOrganisation, Membership, Person, Provider, Role

PASSWORD = "Correct-horse-42"
_counter = itertools.count(1)

# Valid identities (Luhn SIREN/SIRET, VAT keys) to build distinct providers and clients.
IDENTITIES = [
    ("812345676", "81234567600017", "FR19812345676"),
    ("523456788", "52345678800018", "FR31523456788"),
    ("456789122", "45678912200011", "FR72456789122"),
    ("798765434", "79876543400013", "FR69798765434"),
]


def make_provider(name: str = "Kalanda", **fields: Any) -> Provider:
    n = next(_counter)
    siren, siret, vat = IDENTITIES[n % 2]
    data: dict[str, Any] = {
        "slug": f"{name.lower()}-{n}",
        "legal_name": f"{name} SAS",
        "siren": siren,
        "siret": siret,
        "vat_number": vat,
        "address_line1": "1 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "contact_email": f"contact@{name.lower()}.example",
        "support_email": f"support@{name.lower()}.example",
        "iban": "FR7630006000011234567890189",
    }
    data.update(fields)
    provider = Provider(**data)
    provider.full_clean()
    provider.save()
    return provider


def make_client(provider: Provider, name: str = "Boulangerie", **fields: Any) -> ClientOrganisation:
    data: dict[str, Any] = {
        "legal_name": f"{name} {next(_counter)}",
        "address_line1": "3 place du Marché",
        "postal_code": "69002",
        "city": "Lyon",
        "email_domains": [f"{name.lower()}.example"],
    }
    data.update(fields)
    client = ClientOrganisation(provider=provider, **data)
    client.full_clean()
    client.save()
    return client


def make_person(email: str, **fields: Any) -> Person:
    return Person.objects.create_user(email, PASSWORD, **fields)


def make_staff(provider: Provider, role: str = Role.OWNER, email: str | None = None) -> Person:
    email = email or f"{role}{next(_counter)}@{provider.slug}.example"
    person = make_person(email, is_staff=True)
    Membership.objects.create(person=person, provider=provider, role=role)
    return person


def make_client_user(
    client: ClientOrganisation, role: str = Role.CLIENT_MEMBER, email: str | None = None
) -> Person:
    domain = client.email_domains[0] if client.email_domains else "client.example"
    email = email or f"{role}{next(_counter)}@{domain}"
    person = make_person(email)
    Membership.objects.create(person=person, provider=client.provider, client=client, role=role)
    return person


def membership_of(person: Person) -> Membership:
    return Membership.objects.get(person=person, revoked_at__isnull=True)


def activation_token(body: str) -> str:
    match = re.search(r"/invitation/([A-Za-z0-9_\-]+)/", body)
    assert match, f"no activation link in:\n{body}"
    return match.group(1)


def accepted_terms(
    client: ClientOrganisation, service_line: str, now: Any = None, pack_version: str = "1.0"
) -> Any:
    """Publish a CGV version of the client's provider and have its admin accept it."""
    from django.utils import timezone

    from clausier.terms import services as terms_services

    now = now or timezone.now()
    owner = Membership.objects.filter(provider=client.provider, role=Role.OWNER).first()
    owner_person = owner.person if owner else make_staff(client.provider, Role.OWNER)
    admin_membership = Membership.objects.filter(client=client, role=Role.CLIENT_ADMIN).first()
    admin = (
        admin_membership.person if admin_membership else make_client_user(client, Role.CLIENT_ADMIN)
    )
    terms = terms_services.create_draft(
        now=now,
        actor=owner_person,
        provider=client.provider,
        service_line=service_line,
        version=f"v{next(_counter)}",
        pack_version=pack_version,
        text_fr="CGV",
    )
    terms_services.publish(now=now, actor=owner_person, terms=terms)
    first, _text = terms_services.review(
        now=now, person=admin, client=client, terms=terms, language="fr"
    )
    return terms_services.accept(
        now=now, person=admin, client=client, terms=terms, review_token=first.sign()
    )
