from clausier.accounts.errors import AccountsError


class BillingError(AccountsError):
    code = "billing_refused"
