"""A subscription revised before the retained index was stored gets it back from its audit
trail (billing migration 0010), so its next revision does not count the same SYNTEC
variation twice (managed hosting art. 8.2, C. mon. fin. L112-1 al. 2)."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from clausier.billing.models import Subscription
from tests.billing.test_it_revises_syntec_prices_by_compounding import (
    CENT,
    LINK,
    index,
    price_after,
    started,
)

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "clausier.billing.migrations.0010_retained_index_from_the_audit_trail"
)


def forget_retained_index(subscription: Subscription) -> None:
    """What a subscription revised by the code before the fix looks like."""
    Subscription.objects.filter(pk=subscription.pk).update(
        retained_index=None, retained_index_month=None
    )


def test_the_migration_restores_the_index_of_the_last_revision() -> None:
    w, subscription = started("1.0")
    index(w, date(2026, 11, 1), "295.0", date(2026, 12, 10))
    first = (Decimal("300.00") * Decimal("295.0") / (Decimal("268.5") * LINK)).quantize(CENT)
    assert price_after(subscription, date(2027, 4, 1)) == first
    forget_retained_index(subscription)

    migration.fill_retained_index(apps, None)

    subscription.refresh_from_db()
    assert subscription.retained_index == Decimal("295.0")
    assert subscription.retained_index_month == date(2026, 11, 1)
    # Same index a year later: the amount stays, as if the index had always been kept.
    index(w, date(2027, 11, 1), "295.0", date(2027, 12, 10))
    assert price_after(subscription, date(2028, 4, 1)) == first


def test_a_revision_without_an_index_leaves_the_contract_index_as_the_base() -> None:
    _world, subscription = started("1.0")
    price_after(subscription, date(2027, 4, 1))  # anniversary passed, no index entered
    subscription.refresh_from_db()
    assert subscription.revised_on is not None and subscription.price_ht == Decimal("300.00")

    migration.fill_retained_index(apps, None)

    subscription.refresh_from_db()
    assert subscription.retained_index is None
