"""Every event type the loader accepts has a handler, and the GTI plumbing holds for any time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from clausier.core.businesstime import PARIS
from clausier.simulate.engine import registry
from clausier.simulate.loader import EVENT_TYPES
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import gti_deadline
from tests.simulate.helpers import hosting, results

PACK = load_pack("managed_hosting")


def test_every_event_type_has_a_handler() -> None:
    handlers, _finishers = registry()
    assert set(handlers) == set(EVENT_TYPES)


@settings(max_examples=60, deadline=None)
@given(
    requested=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
    ).map(lambda at: at.replace(second=0, microsecond=0)),
    delay_minutes=st.integers(min_value=0, max_value=20 * 60),
)
def test_the_gti_result_is_the_rule_applied_to_the_event_times(
    requested: datetime, delay_minutes: int
) -> None:
    started = requested + timedelta(minutes=delay_minutes)
    text = hosting(
        f"{{at: '{requested.isoformat()}', type: emergency_request, id: r, server: s, "
        "monthly_fee: 1000}",
        f"{{at: '{started.isoformat()}', type: intervention_start, request: r}}",
    )
    (gti,) = results(text, "gti")
    deadline = gti_deadline(requested, PACK).deadline
    late = max(started - deadline, timedelta(0))
    assert gti["due"] == deadline.astimezone(PARIS).isoformat()
    assert gti["late_minutes"] == late // timedelta(minutes=1)
    percent = PACK.tiers("gti.lateness_credit").percent_for(late)
    assert gti["credit_percent"] == str(percent)
    assert gti["credit_amount"] == f"{percent * 10:.2f}"
