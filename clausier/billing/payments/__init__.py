"""Payment gateways named by the coaching contract (art. 8.2.2): Stripe and GoCardless.

No SDK and no network: each adapter verifies its gateway's webhook signature by the
documented scheme and maps events to billing actions (`actions.py`); `webhooks.py`
stores every event before handling it, once per (provider, gateway, event id).
"""
