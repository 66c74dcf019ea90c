from clausier.accounts.errors import AccountsError


class BillingError(AccountsError):
    code = "billing_refused"


class PaymentAlreadyRecorded(BillingError):
    """The reference is already recorded for this provider (answered 409 by the API)."""

    code = "payment_already_recorded"
