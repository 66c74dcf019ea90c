from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from clausier.accounts.models import Role, ServiceLine
from clausier.billing.models import Alignment, Funder, Periodicity, Plan
from tests.helpers import accepted_terms, make_client, make_client_user, make_provider, make_staff


def hosting_plan(provider: Any, **fields: Any) -> Plan:
    data = {
        "provider": provider,
        "service_line": ServiceLine.MANAGED_HOSTING,
        "code": "infogerance",
        "name": "Infogérance serveur",
        "price_ht": Decimal("300.00"),
        "periodicity": Periodicity.QUARTERLY,
        "alignment": Alignment.CALENDAR,
    }
    data.update(fields)
    return Plan.objects.create(**data)


def coaching_plan(provider: Any, **fields: Any) -> Plan:
    data = {
        "provider": provider,
        "service_line": ServiceLine.COACHING_TRAINING,
        "code": "focus",
        "name": "Focus",
        "price_ht": Decimal("390.00"),
        "periodicity": Periodicity.MONTHLY,
        "alignment": Alignment.ANNIVERSARY,
        "commitment_months": 12,
        "session_allowance": 12,
    }
    data.update(fields)
    return Plan.objects.create(**data)


def billing_world(service_line: str, now: datetime, pack_version: str = "1.0") -> dict[str, Any]:
    provider = make_provider("Kalanda" if service_line == ServiceLine.MANAGED_HOSTING else "Kestio")
    client = make_client(provider, "Boulangerie")
    owner = make_staff(provider, Role.OWNER)
    accountant = make_staff(provider, Role.ACCOUNTANT)
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    accepted_terms(client, service_line, now, pack_version)
    plan = (
        hosting_plan(provider)
        if service_line == ServiceLine.MANAGED_HOSTING
        else coaching_plan(provider)
    )
    return {
        "provider": provider,
        "client": client,
        "owner": owner,
        "accountant": accountant,
        "admin": admin,
        "plan": plan,
    }


# A valid SIRET (Luhn) for funders in tests: the SIREN 851992933, establishment 00016.
FUNDER_SIRET = "85199293300016"


def make_funder(provider: Any, **fields: Any) -> Funder:
    data = {
        "provider": provider,
        "kind": "opco",
        "legal_name": "OPCO Atlas",
        "siret": FUNDER_SIRET,
        "billing_email": "factures@opco-atlas.example",
        "address_line1": "25 quai Panhard et Levassor",
        "postal_code": "75013",
        "city": "Paris",
    }
    data.update(fields)
    funder = Funder(**data)
    funder.full_clean()
    funder.save()
    return funder
