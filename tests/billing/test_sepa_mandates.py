"""Mandates and creditor settings are validated before anything is debited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from clausier.accounts.models import ServiceLine
from clausier.billing.errors import BillingError
from clausier.billing.models import CreditorSettings, MandateStatus, SequenceType
from clausier.billing.payments import sepa
from tests.billing.builders import billing_world
from tests.billing.payloads import ORDER

pytestmark = pytest.mark.django_db
IBAN = "FR7630004000031234567890143"


def test_it_records_a_mandate_with_its_iban_compacted_and_a_first_sequence():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    mandate = sepa.create_mandate(
        now=ORDER,
        client=w["client"],
        reference="RUM-1",
        iban="fr76 3000 4000 0312 3456 7890 143",
        bic="bnpafrpp",
        signed_on=date(2026, 2, 15),
    )
    assert mandate.iban == IBAN
    assert mandate.bic == "BNPAFRPP"
    assert mandate.sequence_type == SequenceType.FIRST
    assert mandate.status == MandateStatus.ACTIVE
    assert mandate.debtor_name == w["client"].legal_name


def test_it_refuses_an_invalid_iban_with_a_clear_message():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    with pytest.raises(BillingError, match="IBAN valide") as caught:
        sepa.create_mandate(
            now=ORDER,
            client=w["client"],
            reference="RUM-1",
            iban="FR7630004000031234567890144",
            signed_on=date(2026, 2, 15),
        )
    assert caught.value.code == "invalid_mandate"


def test_it_refuses_a_mandate_reference_used_twice_by_the_same_creditor():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    kwargs = {"now": ORDER, "client": w["client"], "iban": IBAN, "signed_on": date(2026, 2, 1)}
    sepa.create_mandate(reference="RUM-1", **kwargs)
    with pytest.raises(BillingError) as caught:
        sepa.create_mandate(reference="RUM-1", **kwargs)
    assert caught.value.code == "duplicate_mandate"


def test_it_revokes_a_mandate_once():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    mandate = sepa.create_mandate(
        now=ORDER, client=w["client"], reference="RUM-1", iban=IBAN, signed_on=date(2026, 2, 1)
    )
    assert sepa.revoke_mandate(now=ORDER, mandate=mandate, reason="lettre du client")
    assert not sepa.revoke_mandate(now=ORDER, mandate=mandate, reason="encore")
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.REVOKED
    assert mandate.revocation_reason == "lettre du client"
    assert sepa.active_mandate(w["client"]) is None


def test_the_creditor_identifier_is_checked():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    settings = CreditorSettings(provider=w["provider"], creditor_id="FR00ZZZ123456")
    with pytest.raises(ValidationError) as caught:
        settings.full_clean()
    assert "creditor_id" in caught.value.message_dict
    settings.creditor_id = "fr72 zzz 123456"
    settings.full_clean()
    assert settings.creditor_id == "FR72ZZZ123456"
