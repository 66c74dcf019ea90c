"""Art. 2, 5: office hours and holidays are the provider's (its seat), not the client's
region. Pack 1.1 reads the provider's seat; under 1.0 the national calendar stays."""

from __future__ import annotations

from datetime import datetime

import pytest

from clausier.core.businesstime import PARIS, HolidaySeat
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import gti_deadline, office_calendar, ticket_ack_deadline

V10 = load_pack("managed_hosting", "1.0")
V11 = load_pack("managed_hosting", "1.1")
NATIONAL = HolidaySeat("FR")  # e.g. a provider seated in Bouches-du-Rhône
MOSELLE = HolidaySeat("FR", "57")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("at", "national_open", "moselle_open"),
    [
        (paris(2026, 4, 2, 10), True, True),  # Maundy Thursday: open everywhere
        (paris(2026, 4, 3, 10), True, False),  # Good Friday: a Moselle holiday only
        (paris(2026, 4, 6, 10), False, False),  # Easter Monday: national holiday
        (paris(2025, 12, 25, 10), False, False),
        (paris(2025, 12, 26, 10), True, False),  # Saint Stephen: Alsace-Moselle only
        (paris(2025, 12, 29, 10), True, True),
    ],
)
def test_the_providers_seat_decides_which_days_are_open(
    at: datetime, national_open: bool, moselle_open: bool
) -> None:
    assert office_calendar(V11, NATIONAL).is_open(at) is national_open
    assert office_calendar(V11, MOSELLE).is_open(at) is moselle_open


def test_a_provider_in_bouches_du_rhone_answers_on_good_friday() -> None:
    at = paris(2026, 4, 3, 10)
    ack = ticket_ack_deadline(at, V11, office_calendar(V11, NATIONAL))
    assert ack.deadline == paris(2026, 4, 3, 11)
    gti = gti_deadline(paris(2025, 12, 26, 10), V11, office_calendar(V11, NATIONAL))
    assert gti.in_office_hours and gti.deadline == paris(2025, 12, 26, 11)


def test_a_provider_in_moselle_is_closed_on_good_friday() -> None:
    ack = ticket_ack_deadline(paris(2026, 4, 3, 10), V11, office_calendar(V11, MOSELLE))
    assert ack.deadline == paris(2026, 4, 7, 10)  # Tuesday, after Easter Monday
    gti = gti_deadline(paris(2025, 12, 26, 10), V11, office_calendar(V11, MOSELLE))
    assert not gti.in_office_hours and gti.deadline == paris(2025, 12, 26, 13)


def test_pack_1_0_keeps_the_national_calendar_it_always_applied() -> None:
    assert office_calendar(V10, MOSELLE).is_open(paris(2026, 4, 3, 10))


def test_another_country_seat_uses_its_own_holidays() -> None:
    # 3 October is German Unity Day: a provider seated in Germany is closed.
    assert not office_calendar(V11, HolidaySeat("DE")).is_open(paris(2025, 10, 3, 10))
    assert office_calendar(V11, NATIONAL).is_open(paris(2025, 10, 3, 10))


def test_an_unknown_seat_is_refused() -> None:
    with pytest.raises(ValueError, match="subdivision"):
        office_calendar(V11, HolidaySeat("FR", "99"))
    with pytest.raises(ValueError, match="country"):
        office_calendar(V11, HolidaySeat("XX"))
