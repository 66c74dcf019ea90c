"""The coaching & training terms pack: it loads, cites real articles, and drives the rules."""

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from clausier.terms.packs import PACKS_DIR, load_pack, parse_pack
from clausier.terms.rules import coaching_training
from clausier.terms.rules.coaching_training import session_postponement

SEED = Path("/work/shared/seeds/000_9975ddd4018850e5.txt")


def test_it_loads_the_latest_version():
    pack = load_pack("coaching_training")
    assert (pack.service_line, pack.version) == ("coaching_training", "1.1")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sessions.postponement_notice", timedelta(hours=48)),
        ("sessions.other_postponement_notice", timedelta(hours=48)),
        ("maintenance.notice", timedelta(hours=48)),
        ("client.report_malfunction", timedelta(hours=24)),
    ],
)
def test_it_holds_the_clock_durations_of_the_contract(key, value):
    assert load_pack("coaching_training").duration(key) == value


def test_it_holds_the_other_numbers_of_the_contract():
    pack = load_pack("coaching_training")
    assert pack.business_duration("outage.fix_within") == timedelta(hours=48)
    assert pack.months("subscription.commitment") == 12
    assert pack.months("subscription.renewal_period") == 12
    assert pack.months("subscription.termination_notice") == 2
    assert pack.months("price.increase_notice") == 3
    assert pack.months("training.client_change_notice") == 1
    assert pack.days("training.provider_cancellation_notice") == 7
    assert pack.days("invoice.dispute_window") == 10
    assert pack.days("deliverables.reservation_window") == 2
    assert pack.months("access.after_subscription_termination") == 2
    assert pack.months("access.after_service_end") == 2
    assert pack.amount("opco.subrogation_minimum") == Decimal("3000.00")
    assert pack.flag("sessions.carry_over") is False
    assert pack.clause("late_payment.statutory").article == "8.4"
    counts = {
        f: pack.count(f"billing.instalments_per_year.{f}")
        for f in ("monthly", "quarterly", "half_yearly", "yearly")
    }
    assert counts == {"monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}


def test_every_entry_cites_an_article_and_title_of_this_contract():
    pack = load_pack("coaching_training")
    for key, entry in pack.entries.items():
        assert entry.article and entry.title, key
        assert entry.contract == "", key  # statutes live in late_payment.py, not here
        assert pack.clause(key).contract == "coaching_training"


@pytest.mark.skipif(not SEED.exists(), reason="the seed contract is not on this machine")
def test_every_cited_article_is_a_heading_of_the_seed_with_its_title():
    text = SEED.read_text(encoding="utf-8")
    for key, entry in load_pack("coaching_training").entries.items():
        heading = re.search(rf"(?m)^{re.escape(entry.article)}[\s-]+(.*)$", text)
        assert heading, f"{key}: no article {entry.article} in the seed"
        assert _plain(heading.group(1)).startswith(_plain(entry.title)), key


def _plain(title: str) -> str:
    """Headings are sometimes capitalised without accents ("17-RESOLUTION")."""
    decomposed = unicodedata.normalize("NFKD", title.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def test_the_pack_file_name_matches_its_version():
    assert (PACKS_DIR / "coaching_training" / "1.0.toml").is_file()


def test_rules_read_their_numbers_from_the_pack():
    text = (PACKS_DIR / "coaching_training" / "1.0.toml").read_text(encoding="utf-8")
    changed = text.replace(
        '[sessions.postponement_notice]\narticle = "10.1"\ntitle = '
        '"Cas des Contrats de services annuels d\'abonnement"\nhours = 48',
        '[sessions.postponement_notice]\narticle = "10.1"\ntitle = '
        '"Cas des Contrats de services annuels d\'abonnement"\nhours = 24',
    )
    assert changed != text
    pack = parse_pack(changed, "edited")
    session = datetime(2025, 6, 12, 8, tzinfo=UTC)
    result = session_postponement(session, session - timedelta(hours=30), pack)
    assert result.in_time
    assert result.request_by == session - timedelta(hours=24)


# Entries kept for completeness of the contract's numbers, not read by a rule yet.
INFORMATIVE = {
    "client.report_malfunction",
    "provider.termination_after_formal_notice",
    "claims.limit",
    "force_majeure.termination_after",
    "confidentiality.after_end",
    "late_payment.statutory",  # the statute is computed by late_payment.py
}


def test_every_entry_is_read_by_a_rule_or_declared_informative():
    source = Path(coaching_training.__file__).read_text(encoding="utf-8")
    quoted = set(re.findall(r'"([a-z_]+(?:\.[a-z_]+)+)', source))
    unread = {
        key
        for key in load_pack("coaching_training").entries
        if key not in quoted and not any(key.startswith(f"{q}.") for q in quoted)
    }
    assert unread == INFORMATIVE
