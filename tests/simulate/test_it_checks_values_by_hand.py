"""A few results computed by hand from the contract, independently of the expected files.

docs/simulator.md repeats the reasoning for each.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from tests.simulate.helpers import SCENARIOS, simulate


def scenario(name: str) -> list[dict[str, object]]:
    text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    return list(simulate(text)["results"])


def find(found: list[dict[str, object]], kind: str, ref: str) -> dict[str, object]:
    (result,) = [r for r in found if r["kind"] == kind and r["ref"] == ref]
    return result


def cents(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_friday_1730_is_capped_at_2030_and_three_hours_late_is_25_percent() -> None:
    g4 = find(scenario("managed_hosting/gti_boundaries"), "gti", "g4")
    assert g4["due"] == "2026-03-06T20:30:00+01:00"
    assert (g4["late_minutes"], g4["credit_percent"], g4["credit_amount"]) == (180, "25", "100.00")


def test_the_autumn_night_counts_its_repeated_hour() -> None:
    r13 = find(scenario("managed_hosting/gtr_boundaries"), "gtr", "r13")
    # 20:00 CEST (18:00 UTC) to 03:30 CET (02:30 UTC) = 8h30 > 8h: 25 % of 1000.00.
    assert (r13["restore_minutes"], r13["credit_amount"]) == (510, "250.00")


def test_march_credits_of_web1_are_capped_at_its_fee() -> None:
    caps = [r for r in scenario("managed_hosting/credit_cap") if r["kind"] == "credit_cap"]
    (cap,) = [r for r in caps if r["ref"] == "web1" and r["month"] == "2026-03"]
    # 300.00 (GTI 8h) + 30.00 (GTR 5h) + 225.00 (HA 89.5 %) = 555.00 > 300.00.
    assert (cap["requested_amount"], cap["capped_amount"], cap["capped"]) == (
        "555.00",
        "300.00",
        True,
    )


def test_the_fifth_emergency_bills_whole_minutes_at_129_per_hour() -> None:
    q5 = find(scenario("managed_hosting/emergency_quota"), "emergency_overage", "q5")
    assert q5["amount"] == cents(Decimal(129) * 90 / 60) == "193.50"


def test_a_new_series_index_is_compared_with_the_linked_retained_index() -> None:
    rev = find(scenario("managed_hosting/syntec_revision"), "revision", "rev-2023")
    # The base is the index the 2022 revision retained (282.7, old series), never 268.5
    # again: that would count the 268.5 -> 282.7 variation twice (C. mon. fin. L112-1).
    assert rev["revised_amount"] == cents(
        Decimal("1263.46") * Decimal("296.2") / (Decimal("282.7") * Decimal("0.97975"))
    )
    assert rev["revised_amount"] == "1351.16"


def test_an_unchanged_index_leaves_the_revised_amount_unchanged() -> None:
    found = scenario("managed_hosting/syntec_compounding")
    assert find(found, "revision", "rev-2025")["revised_amount"] == "3421.24"
    assert find(found, "revision", "rev-2026")["revised_amount"] == "3421.24"
    # The December 2024 index was published three days after the anniversary: not used.
    assert find(found, "revision", "rev-2025")["index_month"] == "2024-11"


def test_interest_across_1_july_is_one_line_per_half_year() -> None:
    p3 = find(scenario("coaching_training/late_payment"), "late_payment", "p3")
    first = cents(Decimal(10000) * Decimal("0.1315") * 10 / 365)  # 36.03
    second = cents(Decimal(10000) * Decimal("0.1215") * 10 / 365)  # 33.29
    assert p3["interest"] == str(Decimal(first) + Decimal(second)) == "69.32"
    assert p3["indemnity"] == "40.00"


def test_a_notice_the_day_after_the_deadline_lets_one_more_year_run() -> None:
    sub3 = find(scenario("coaching_training/subscription"), "termination", "sub3")
    assert (sub3["renewed"], sub3["effective_end"], sub3["remaining_amount"]) == (
        True,
        "2028-03-09",
        "1200.00",
    )


def test_48_clock_hours_before_a_monday_after_spring_forward_is_saturday_0900() -> None:
    s4 = find(scenario("coaching_training/session_changes"), "session_change", "s4")
    assert s4["request_by"] == "2026-03-28T09:00:00+01:00"
    assert s4["outcome"] == "late"
