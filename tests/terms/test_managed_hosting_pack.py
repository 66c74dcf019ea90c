"""The managed-hosting pack holds every number of the contract, each under its real article."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from clausier.terms.packs import load_pack

# Article headings of seeds/004_ffefe6ee7e2b4410.txt, in sentence case.
CONTRACT_HEADINGS = {
    "1": "Documents contractuels",
    "2": "Objet",
    "3": "Obligations du prestataire KALANDA",
    "3.1": "Maintenance",
    "3.2": "Surveillance comprenant",
    "3.3": "Support technique",
    "3.4": "Information, conseil",
    "4": "Prise en compte",
    "5": "Conditions d'intervention",
    "6": "Obligations du client",
    "7": "Exclusions, responsabilités de KALANDA",
    "8": "Tarif et paiement",
    "8.1": "Tarif",
    "8.2": "Révision de prix",
    "8.3": "Paiements",
    "9": "Résiliation, limitation et suspension du service",
    "10": "Données personnelles",
    "11": "Modification",
    "12": "Assurance",
    "13": "Limites de responsabilité",
    "14": "Pénalités et SLA",
    "15": "Résiliation du contrat pour manquement aux obligations",
    "16": "Réversibilité",
    "Annexe 1": "Conditions particulière dans le cas de location de serveur virtuel VPS",
    "Annexe 3": "RGPD",
}

PACK = load_pack("managed_hosting")


@pytest.mark.parametrize("key", sorted(PACK.entries))
def test_every_entry_cites_a_real_article_with_its_title(key: str) -> None:
    entry = PACK.entry(key)
    assert entry.article in CONTRACT_HEADINGS, key
    assert entry.title == CONTRACT_HEADINGS[entry.article], key


@pytest.mark.parametrize(
    ("key", "article", "value"),
    [
        ("gti.deadline_ho", "5", timedelta(hours=1)),
        ("gti.deadline_cap", "5", timedelta(hours=3)),
        ("gti.deadline_hno", "5", timedelta(hours=3)),
        ("support.ticket_ack", "5", timedelta(hours=1)),
        ("intervention.covered_duration", "5", timedelta(hours=2)),
        ("escalation.after", "3.2", timedelta(minutes=30)),
        ("emergency.yearly_quota", "8.1", 4),
        ("emergency.overage_hourly_rate", "8.1", Decimal("129")),
        ("indexation.contract_index", "8.2", Decimal("268.5")),
        ("indexation.link_coefficient", "8.2", Decimal("0.97975")),
        ("payment.quarter", "8.3", 3),
        ("payment.termination_after_notice", "8.3", 15),
        ("force_majeure.termination_after", "7", 30),
        ("reversibility.notice", "16", 3),
        ("reversibility.delivery", "16", 10),
        ("reversibility.continuity_max", "16", 90),
        ("privacy.inactivity_purge", "Annexe 3", 24),
        ("credits.monthly_cap", "14", Decimal("100")),
    ],
)
def test_the_numbers_of_the_contract(key: str, article: str, value: object) -> None:
    assert PACK.entry(key).article == article
    assert PACK.entry(key).value == value


def test_the_gti_and_gtr_tables() -> None:
    gti = PACK.tiers("gti.lateness_credit")
    assert [(t.compare, t.bound, t.percent) for t in gti.tiers] == [
        ("at_least", 1, 10),
        ("at_least", 3, 25),
        ("at_least", 4, 50),
        ("at_least", 8, 100),
    ]
    gtr = PACK.tiers("gtr.restoration_credit")
    assert [(t.compare, t.bound, t.percent) for t in gtr.tiers] == [
        ("over", 4, 10),
        ("over", 8, 25),
        ("over", 16, 50),
        ("over", 24, 100),
    ]


def test_the_availability_table() -> None:
    table = PACK.tiers("ha.availability_credit")
    assert [(t.compare, t.bound, t.percent) for t in table.tiers] == [
        ("below", 90, 75),
        ("below", 97, 50),
        ("at_most", 99, 25),
        ("at_most", Decimal("99.5"), 10),
        ("at_most", Decimal("99.9"), 5),
    ]


def test_office_hours_are_monday_to_friday_nine_to_six_in_paris() -> None:
    calendar = PACK.calendar("calendar.office_hours")
    assert str(calendar.tz) == "Europe/Paris"
    assert {s.weekday for s in calendar.segments} == {0, 1, 2, 3, 4}
    assert {(s.start, s.end) for s in calendar.segments} == {
        (timedelta(hours=9), timedelta(hours=18))
    }
    assert calendar.observe_holidays


def test_hno_alerts_are_http_and_ping_only() -> None:
    assert PACK.texts("escalation.hno_services") == ("http", "ping")


def test_every_interpretation_choice_is_written_down() -> None:
    for key in ("gti.deadline_cap", "ha.availability_credit", "payment.quarter"):
        assert PACK.entry(key).note, key


SEED = Path("/work/shared/seeds/004_ffefe6ee7e2b4410.txt")
HEADING = re.compile(r"^(?:Article|Annexe)\s+([\d.]+)\s*[-–:]?\s*(.+?)\s*[:.]?\s*$", re.IGNORECASE)


def _plain(text: str) -> str:
    # The seed's headings are upper-case and drop some accents ("RÉVERSIBILITE").
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed contract is not available")
def test_the_headings_match_the_seed_contract_text() -> None:
    found = {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        match = HEADING.match(line.strip())
        if match:
            prefix = "Annexe " if line.strip().lower().startswith("annexe") else ""
            found.setdefault(prefix + match.group(1).rstrip("."), _plain(match.group(2)))
    for article, title in CONTRACT_HEADINGS.items():
        assert found.get(article) == _plain(title), article
