"""The provider's calendar (country and subdivision of its seat) is a validated setting."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from clausier.core.businesstime import HolidaySeat
from tests.helpers import make_provider

pytestmark = pytest.mark.django_db


def test_a_provider_observes_national_french_holidays_by_default() -> None:
    assert make_provider().holiday_seat == HolidaySeat("FR", None)


def test_a_provider_in_moselle_sets_its_subdivision() -> None:
    provider = make_provider(holiday_country="fr", holiday_subdivision="57")
    assert provider.holiday_seat == HolidaySeat("FR", "57")


@pytest.mark.parametrize(("country", "subdivision"), [("FR", "99"), ("XX", ""), ("FR", "13")])
def test_an_unknown_calendar_is_refused(country: str, subdivision: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_provider(holiday_country=country, holiday_subdivision=subdivision)
    assert "holiday_subdivision" in caught.value.message_dict
