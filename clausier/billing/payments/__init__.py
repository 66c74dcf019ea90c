"""Payments: recording a payment (`recording.py`), SEPA direct debits (`sepa.py`), dunning
and its reminders (`dunning.py`, `reminders.py`), and the payment gateways named by the
coaching contract (art. 8.2.2): Stripe and GoCardless.

No SDK and no network: each adapter verifies its gateway's webhook signature by the
documented scheme and maps events to billing actions (`actions.py`); `webhooks.py`
stores every event before handling it, once per (provider, gateway, event id).

Imports subscriptions (a first payment starts the contract; a late one bills its
compensation) and invoicing; neither imports payments.
"""
