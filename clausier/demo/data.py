"""Demo data: two providers, staff in each role, one client each with an admin and two
members. Idempotent: running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.models import (
    ClientOrganisation,
    Invitation,
    Membership,
    OperationCategory,
    Person,
    Provider,
    Role,
    ServiceLine,
)
from clausier.billing import services as billing
from clausier.billing.models import Plan, Subscription
from clausier.demo import coaching as coaching_demo
from clausier.demo import content as content_demo
from clausier.demo import support as support_demo
from clausier.demo import training as training_demo
from clausier.demo.monitoring import load_monitoring_demo
from clausier.terms import services as terms_services
from clausier.terms.digests import pack_digest
from clausier.terms.models import TermsVersion
from clausier.terms.packs import available_versions

DEMO_PASSWORD = "Clausier-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    where: str


PROVIDERS: list[dict[str, Any]] = [
    {
        "slug": "kalanda",
        "legal_name": "Kalanda Infogérance SAS",
        "service_line": ServiceLine.MANAGED_HOSTING,
        "siren": "812345676",
        "siret": "81234567600017",
        "vat_number": "FR19812345676",
        "address_line1": "12 rue des Serveurs",
        "postal_code": "75011",
        "city": "Paris",
        "contact_email": "contact@kalanda.example",
        "support_email": "support@kalanda.example",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "legal_form": "SAS",
        "share_capital": Decimal("50000.00"),
        "rcs_city": "Paris",
        "operation_category": OperationCategory.SERVICES,
        "vat_on_debits": True,
        "domain": "kalanda.example",
        "client": {
            "legal_name": "Boulangerie Martin SAS",
            "siren": "456789122",
            "vat_number": "FR72456789122",
            "address_line1": "3 place du Marché",
            "postal_code": "69002",
            "city": "Lyon",
            "billing_email": "compta@boulangerie-martin.example",
            "email_domains": ["boulangerie-martin.example"],
        },
    },
    {
        "slug": "kestio",
        "legal_name": "Kestio Coaching SAS",
        "service_line": ServiceLine.COACHING_TRAINING,
        "siren": "523456788",
        "siret": "52345678800018",
        "vat_number": "FR31523456788",
        "address_line1": "57 place de la République",
        "postal_code": "69002",
        "city": "Lyon",
        "contact_email": "admin@kestio.example",
        "support_email": "support@kestio.example",
        "iban": "FR1420041010050500013M02606",
        "bic": "PSSTFRPP",
        "legal_form": "SAS",
        "share_capital": Decimal("20000.00"),
        "rcs_city": "Lyon",
        "operation_category": OperationCategory.SERVICES,
        "vat_on_debits": False,
        "domain": "kestio.example",
        "client": {
            "legal_name": "Atelier Durand SARL",
            "siren": "798765434",
            "vat_number": "FR69798765434",
            "address_line1": "8 quai des Chartrons",
            "postal_code": "33000",
            "city": "Bordeaux",
            "billing_email": "factures@atelier-durand.example",
            "email_domains": ["atelier-durand.example"],
        },
    },
]

MENTION_FIELDS = ("legal_form", "share_capital", "rcs_city", "operation_category", "vat_on_debits")

STAFF = [
    (Role.OWNER, "direction", "Claire", "Morel"),
    (Role.ENGINEER, "astreinte", "Hugo", "Lefèvre"),
    (Role.COACH, "coach", "Inès", "Garnier"),
    (Role.ACCOUNTANT, "compta", "Paul", "Roux"),
]
CLIENT_PEOPLE = [
    (Role.CLIENT_ADMIN, "admin", "Sophie", "Bernard"),
    (Role.CLIENT_MEMBER, "lea", "Léa", "Petit"),
    (Role.CLIENT_MEMBER, "marc", "Marc", "Dubois"),
]


def _person(
    email: str, first: str, last: str, password_hash: str, *, is_staff: bool = False
) -> Person:
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        person = Person(email=email, first_name=first, last_name=last, is_staff=is_staff)
        person.password = password_hash
        person.save()
    return person


def _member(
    person: Person, provider: Provider, client: ClientOrganisation | None, role: str
) -> None:
    if not Membership.objects.filter(person=person, provider=provider, client=client).exists():
        Membership.objects.create(person=person, provider=provider, client=client, role=role)


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    # One Argon2 hash for every demo person: same password, a fraction of the start-up.
    password_hash = make_password(DEMO_PASSWORD)
    root = Person.objects.filter(email__iexact="root@clausier.example").first()
    if root is None:
        Person.objects.create_superuser("root@clausier.example", DEMO_PASSWORD, first_name="Admin")
    logins.append(DemoLogin("root@clausier.example", "superuser", "Clausier"))
    for spec in PROVIDERS:
        data = {k: v for k, v in spec.items() if k not in {"domain", "client"}}
        provider = Provider.objects.filter(slug=data["slug"]).first()
        if provider is None:
            provider = Provider(**data)
            provider.full_clean()
            provider.save()
        elif not provider.legal_form:
            # A demo made before the invoice mentions existed: fill them in once.
            for name in MENTION_FIELDS:
                setattr(provider, name, data[name])
            provider.full_clean()
            provider.save(update_fields=list(MENTION_FIELDS))
        client_spec = cast(dict[str, Any], spec["client"])
        client = ClientOrganisation.objects.filter(
            provider=provider, legal_name=client_spec["legal_name"]
        ).first()
        if client is None:
            client = ClientOrganisation(provider=provider, **client_spec)
            client.full_clean()
            client.save()
        for role, local, first, last in STAFF:
            email = f"{local}@{spec['domain']}"
            _member(_person(email, first, last, password_hash, is_staff=True), provider, None, role)
            logins.append(DemoLogin(email, str(Role(role).label), provider.legal_name))
        terms = _demo_terms(provider, client)
        client_domain = client.email_domains[0]
        for role, local, first, last in CLIENT_PEOPLE:
            email = f"{local}@{client_domain}"
            _member(_person(email, first, last, password_hash), provider, client, role)
            logins.append(DemoLogin(email, str(Role(role).label), client.legal_name))
        _demo_billing(provider, client, terms)
        _demo_invitation(client)
        training_demo.load(provider, client)
    logins += [DemoLogin(*login) for login in content_demo.load(password_hash)]
    logins += [DemoLogin(*login) for login in coaching_demo.load(password_hash)]
    load_monitoring_demo()
    support_demo.load()
    return logins


def _demo_invitation(client: ClientOrganisation) -> None:
    """A collaborator invited and not yet arrived, so that the members page shows a
    pending invitation (and its e-mail waits in the outbox, its link sealed)."""
    email = f"nouveau@{client.email_domains[0]}"
    if Invitation.objects.filter(client=client, email=email).exists():
        return
    admin = Membership.objects.get(client=client, role=Role.CLIENT_ADMIN).person
    services.invite(
        now=timezone.now(),
        actor=admin,
        provider=client.provider,
        client=client,
        email=email,
        role=Role.CLIENT_MEMBER,
    )


DEMO_TERMS_FR = {
    ServiceLine.MANAGED_HOSTING: (
        "Conditions générales infogérance serveur (démonstration)\n\n"
        "Art. 5 — Conditions d'intervention : délai de prise en charge garanti (GTI) d'une heure "
        "ouvrée en heures ouvrées, trois heures en heures non ouvrées.\n"
        "Art. 11 — Modification : le client peut résilier dans les trente jours de l'entrée en "
        "vigueur d'une modification.\n"
        "Art. 14 — Pénalités et SLA : crédits de service selon les retards constatés."
    ),
    ServiceLine.COACHING_TRAINING: (
        "Conditions générales de vente et d'utilisation du service (démonstration)\n\n"
        "Art. 2 — Définitions : la commande est acceptée par double clic positif.\n"
        "Art. 9 — Durée : douze mois à compter du paiement de la première facture, reconduction "
        "tacite.\n"
        "Art. 38 — Langue : la version française fait foi."
    ),
}


def _demo_terms(provider: Provider, client: ClientOrganisation) -> Any:
    """A published CGV version per provider (accepted by the hosting client only, so that
    the coaching client's admin can try the double click)."""

    existing = TermsVersion.objects.filter(provider=provider).first()
    if existing is not None:
        return existing
    now = timezone.now()
    # The demo shows the current readings: the latest pack version of the line.
    pack_version = available_versions(provider.service_line)[-1]
    return TermsVersion.objects.create(
        provider=provider,
        service_line=provider.service_line,
        version="2026-11",
        pack_version=pack_version,
        pack_digest=pack_digest(provider.service_line, pack_version),
        text_fr=DEMO_TERMS_FR[ServiceLine(provider.service_line)],
        created_at=now,
        published_at=now,
        effective_at=now,
    )


DEMO_PLANS: dict[str, list[dict[str, Any]]] = {
    ServiceLine.MANAGED_HOSTING: [
        {
            "code": "infogerance",
            "name": "Infogérance serveur",
            "price_ht": "390.00",
            "periodicity": "quarterly",
            "alignment": "calendar",
        },
        {
            "code": "vps",
            "name": "VPS infogéré",
            "price_ht": "120.00",
            "periodicity": "monthly",
            "alignment": "calendar",
            "setup_fee_ht": "49.00",
        },
    ],
    ServiceLine.COACHING_TRAINING: [
        {
            "code": "focus",
            "name": "Focus",
            "price_ht": "390.00",
            "periodicity": "monthly",
            "alignment": "anniversary",
            "commitment_months": 12,
            "session_allowance": 12,
        },
        {
            "code": "performance",
            "name": "Performance",
            "price_ht": "690.00",
            "periodicity": "monthly",
            "alignment": "anniversary",
            "commitment_months": 12,
            "session_allowance": 24,
        },
    ],
}


def _demo_billing(provider: Provider, client: ClientOrganisation, terms: Any) -> None:
    """Plans for each provider; the hosting client has accepted the terms, subscribed and
    paid its first invoice, so the portal shows a subscription and invoices."""

    for spec in DEMO_PLANS[ServiceLine(provider.service_line)]:
        data = {k: Decimal(v) if k.endswith("_ht") else v for k, v in spec.items()}
        Plan.objects.get_or_create(
            provider=provider,
            code=data.pop("code"),
            defaults={"service_line": provider.service_line, **data},
        )
    if (
        provider.service_line != ServiceLine.MANAGED_HOSTING
        or Subscription.objects.filter(client=client).exists()
    ):
        return
    admin = Membership.objects.get(client=client, role=Role.CLIENT_ADMIN).person
    now = timezone.now()
    first, _text = terms_services.review(
        now=now, person=admin, client=client, terms=terms, language="fr"
    )
    terms_services.accept(
        now=now, person=admin, client=client, terms=terms, review_token=first.sign()
    )
    subscription = billing.subscribe(
        now=now,
        actor=admin,
        client=client,
        plan=Plan.objects.get(provider=provider, code="infogerance"),
    )
    invoice = subscription.invoice_lines.get().invoice
    billing.record_payment(
        now=now, invoice=invoice, amount=invoice.total_ttc, method="transfer", reference="DEMO-0001"
    )
