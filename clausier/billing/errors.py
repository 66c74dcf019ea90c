from clausier.core.errors import DomainError


class BillingError(DomainError):
    code = "billing_refused"


class PaymentAlreadyRecorded(BillingError):
    """The reference is already recorded for this provider (answered 409 by the API)."""

    code = "payment_already_recorded"
