"""Every scenario under scenarios/ gives exactly its expected JSON."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.simulate.helpers import SCENARIOS, simulate

SCENARIO_FILES = sorted(SCENARIOS.glob("*/*.yaml"))


def test_there_is_a_scenario_per_rule_family() -> None:
    names = {f"{path.parent.name}/{path.stem}" for path in SCENARIO_FILES}
    assert {
        "managed_hosting/gti_boundaries",
        "managed_hosting/gtr_boundaries",
        "managed_hosting/ticket_ack",
        "managed_hosting/ha_credit",
        "managed_hosting/credit_cap",
        "managed_hosting/emergency_quota",
        "managed_hosting/syntec_revision",
        "managed_hosting/syntec_compounding",
        "managed_hosting/late_payment_partial",
        "managed_hosting/emergency_agreement",
        "managed_hosting/provider_calendar_national",
        "managed_hosting/provider_calendar_moselle",
        "coaching_training/session_changes",
        "coaching_training/session_allowance",
        "coaching_training/training_cancellation",
        "coaching_training/opco",
        "coaching_training/invoice_dispute",
        "coaching_training/late_payment",
        "coaching_training/subscription",
        "coaching_training/early_termination",
        "coaching_training/late_notice_after_commitment",
        "coaching_training/price_increase_refusal",
        "managed_hosting/alerts_out_of_hours",
        "managed_hosting/maintenance_windows",
        "coaching_training/app_interruptions",
        "coaching_training/session_changes_by_email",
    } <= names


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_scenario_gives_its_expected_output(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert simulate(path.read_text(encoding="utf-8")) == expected


@pytest.mark.django_db
def test_the_command_prints_the_expected_json_byte_for_byte() -> None:
    path = SCENARIOS / "managed_hosting" / "gti_boundaries.yaml"
    out = io.StringIO()
    call_command("simulate", str(path), stdout=out)
    assert out.getvalue() == path.with_suffix(".expected.json").read_text(encoding="utf-8")


def test_results_are_sorted_by_time_then_production_order() -> None:
    for path in SCENARIO_FILES:
        found = simulate(path.read_text(encoding="utf-8"))["results"]
        # Offsets differ across DST, so compare as instants, not as strings.
        instants = [datetime.fromisoformat(r["at"]) for r in found]
        assert instants == sorted(instants), path.name
