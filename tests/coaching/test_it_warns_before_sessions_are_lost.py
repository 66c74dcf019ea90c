"""Art. 10.1: unused sessions are lost at the period's end; 30 days before, the client's
administrators are told how many remain and until when, once per period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clausier.coaching.notices import send_period_end_reminders
from clausier.notify.models import OutboxMessage
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
# Paid on 1 March 2027: the period ends on 29 February 2028, sessions lost at midnight
# Paris after it (23:00 UTC); 30 days before is 30 January 2028 23:00 UTC.
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)


def test_the_admin_is_warned_30_days_before_once():
    w = coaching_world(datetime(2027, 2, 20, tzinfo=UTC), PAID)
    assert send_period_end_reminders(datetime(2028, 1, 30, 22, 59, tzinfo=UTC)) == 0
    assert send_period_end_reminders(datetime(2028, 1, 30, 23, 0, tzinfo=UTC)) == 1
    assert send_period_end_reminders(datetime(2028, 2, 10, tzinfo=UTC)) == 0  # once
    [message] = OutboxMessage.objects.filter(template="allowance_expiring")
    assert message.to_email == w.admin.email
    assert "12 séance(s)" in message.subject
    assert "29 février 2028" in message.body
    assert "Art. 10.1" in message.body
