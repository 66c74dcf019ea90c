"""Art. 10.1 in the simulator: `session_change_by_email` goes through the coaching mail-in
and the coach's decision (`coaching.mailin`, `coaching.requests`): the 48 clock hours are
judged at the e-mail's reception, whenever the coach applies it."""

from __future__ import annotations

import pytest

from clausier.simulate import ScenarioError
from tests.simulate.helpers import coaching, results, simulate

pytestmark = pytest.mark.django_db

START = (
    "{at: 2027-02-20T09:00, type: subscription_started, id: focus, instalment_ht: 390.00,"
    " periodicity: monthly, sessions: 6}",
    "{at: 2027-03-01T10:00, type: first_invoice_paid, subscription: focus}",
    # Tuesday 16 March 10:00, Paris: 48 clock hours before is Sunday 14 March 10:00.
    "{at: 2027-03-01T11:00, type: session_booked, id: s1, subscription: focus,"
    " starts_at: 2027-03-16T10:00}",
)
HEADER = "terms: '1.1'\ntimezone: Europe/Paris\nuntil: 2027-03-31T12:00\n"


def _change(received: str, applied: str = "2027-03-15T18:00", extra: str = "") -> dict:
    text = coaching(
        *START,
        f"{{at: {applied}, type: session_change_by_email, session: s1, action: cancel,"
        f" received_at: {received}{extra}}}",
        header=HEADER,
    )
    (change,) = results(text, "session_change")
    return change


@pytest.mark.parametrize(
    ("received", "outcome"),
    [
        ("2027-03-13T10:00", "free"),  # the day before the deadline
        ("2027-03-14T10:00", "free"),  # exactly 48:00 ahead
        ("2027-03-14T10:01", "late"),  # 47:59
        ("2027-03-15T10:00", "late"),  # the day after
    ],
)
def test_the_notice_is_judged_when_the_mail_arrives(received, outcome):
    change = _change(received)
    assert change["outcome"] == outcome
    assert change["by"] == "email"
    assert change["request_by"] == "2027-03-14T10:00:00+01:00"
    assert change["decided_at"] == "2027-03-15T18:00:00+01:00"
    assert change["clause"] == "Art. 10.1"


def test_a_late_change_consumes_the_session():
    text = coaching(
        *START,
        "{at: 2027-03-15T18:00, type: session_change_by_email, session: s1, action: cancel,"
        " received_at: 2027-03-15T08:00}",
        header=HEADER,
    )
    allowance = results(text, "allowance")[-1]
    assert (allowance["consumed"], allowance["remaining"]) == (1, 5)


def test_a_postponement_moves_the_session_and_later_events_follow_it():
    text = coaching(
        *START,
        "{at: 2027-03-14T12:00, type: session_change_by_email, session: s1, action: postpone,"
        " received_at: 2027-03-12T09:00, new_starts_at: 2027-03-18T14:00}",
        "{at: 2027-03-18T15:00, type: session_held, session: s1}",
        header=HEADER,
    )
    found = simulate(text)["results"]
    (change,) = [r for r in found if r["kind"] == "session_change"]
    assert change["outcome"] == "free"
    assert change["new_starts_at"] == "2027-03-18T14:00:00+01:00"
    assert [r for r in found if r["kind"] == "allowance"][-1]["held"] == 1


@pytest.mark.parametrize(
    ("extra_event", "field", "message"),
    [
        (
            "{at: 2027-03-14T09:00, type: session_change_by_email, session: s1,"
            " action: cancel, received_at: 2027-03-14T09:30}",
            "received_at",
            "received before",
        ),
        (
            "{at: 2027-03-14T09:00, type: session_change_by_email, session: s1,"
            " action: postpone, received_at: 2027-03-12T09:00}",
            "new_starts_at",
            "names the new start",
        ),
        (
            "{at: 2027-03-14T09:00, type: session_change_by_email, session: s1,"
            " action: swap, received_at: 2027-03-12T09:00}",
            "action",
            "not one of",
        ),
        (
            "{at: 2027-03-14T09:00, type: session_change_by_email, session: s1,"
            " action: cancel, received_at: 2027-03-12T09:00, new_starts_at: 2027-03-18T14:00}",
            "new_starts_at",
            "no new start",
        ),
        (
            # Before the booking (1 March 11:00): no such session to write about yet.
            "{at: 2027-03-14T09:00, type: session_change_by_email, session: s1,"
            " action: cancel, received_at: 2027-03-01T10:59}",
            "received_at",
            "after the session is booked",
        ),
    ],
)
def test_a_bad_change_names_its_field(extra_event, field, message):
    with pytest.raises(ScenarioError) as caught:
        results(coaching(*START, extra_event, header=HEADER))
    assert caught.value.field == field
    assert message in str(caught.value)


def test_a_postponed_session_is_not_postponed_again():
    text = coaching(
        *START,
        "{at: 2027-03-10T09:00, type: session_change_by_email, session: s1, action: postpone,"
        " received_at: 2027-03-10T08:00, new_starts_at: 2027-03-18T14:00}",
        "{at: 2027-03-11T09:00, type: session_change_by_email, session: s1, action: postpone,"
        " received_at: 2027-03-11T08:00, new_starts_at: 2027-03-19T14:00}",
        header=HEADER,
    )
    with pytest.raises(ScenarioError) as caught:
        results(text)
    assert caught.value.field == "session"
