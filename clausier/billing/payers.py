"""Who an invoice is addressed to: its payer, a client organisation or a funder (OPCO).

An invoice always concerns one client (`Invoice.client`: tenancy, the client's view);
its payer is that client, or a funder paying for it (coaching art. 8.1.2, 8.2.4), with
the reference of the funding agreement. The payer is frozen into the invoice's `buyer`
snapshot at issue, like the client's details always were: a later edit of the funder
never alters an issued invoice. A snapshot without `payer_kind` is a client's (every
invoice issued before funders existed).

Pure: reads attributes of the records it is given, imports no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clausier.accounts.models import ClientOrganisation
    from clausier.billing.models_funders import Funder

CLIENT = "client"
FUNDER = "funder"

# "75002 Paris": the snapshot keeps postcode and city on one line.
_POSTCODE_CITY = re.compile(r"^\s*(?P<postcode>\S*\d\S*)\s+(?P<city>.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Payer:
    kind: str  # CLIENT or FUNDER
    name: str
    street_lines: tuple[str, ...]
    postcode: str
    city: str
    country: str
    siren: str
    siret: str
    vat_number: str
    email: str
    funder_kind: str = ""  # FunderKind of a funder (opco)
    funding_reference: str = ""
    # On a funder's invoice: the client it pays for.
    beneficiary: str = ""

    @property
    def is_funder(self) -> bool:
        return self.kind == FUNDER

    @property
    def address_lines(self) -> tuple[str, ...]:
        last = f"{self.postcode} {self.city}".strip()
        return (*self.street_lines, last) if last else self.street_lines

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> Payer:
        lines = [str(line).strip() for line in snapshot.get("address") or [] if line]
        lines = [line for line in lines if line]
        postcode, city = "", ""
        if lines:
            match = _POSTCODE_CITY.match(lines[-1])
            postcode, city = (match["postcode"], match["city"]) if match else ("", lines[-1])
            lines = lines[:-1]
        beneficiary = snapshot.get("beneficiary") or {}
        return cls(
            kind=str(snapshot.get("payer_kind") or CLIENT),
            name=str(snapshot.get("legal_name") or ""),
            street_lines=tuple(lines),
            postcode=postcode,
            city=city,
            country=str(snapshot.get("country") or "FR").upper(),
            siren=str(snapshot.get("siren") or ""),
            siret=str(snapshot.get("siret") or ""),
            vat_number=str(snapshot.get("vat_number") or ""),
            email=str(snapshot.get("email") or ""),
            funder_kind=str(snapshot.get("funder_kind") or ""),
            funding_reference=str(snapshot.get("funding_reference") or ""),
            beneficiary=str(beneficiary.get("legal_name") or ""),
        )


def _address(record: Any) -> list[str]:
    return [record.address_line1, record.address_line2, f"{record.postal_code} {record.city}"]


def funder_snapshot(
    funder: Funder, funding_reference: str, client: ClientOrganisation
) -> dict[str, Any]:
    """The buyer snapshot of an invoice addressed to a funder for a client."""
    return {
        "payer_kind": FUNDER,
        "funder_kind": funder.kind,
        "legal_name": funder.legal_name,
        "siren": funder.siren,
        "siret": funder.siret,
        "vat_number": funder.vat_number,
        "address": _address(funder),
        "country": funder.country,
        "email": funder.billing_email,
        "funding_reference": funding_reference,
        "beneficiary": {"legal_name": client.legal_name, "siren": client.siren},
    }
