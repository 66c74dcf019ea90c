"""What is left to pay on an invoice: its total less payments and credit notes.

One definition, `with_balances`, annotates invoices with what was paid and what credit
notes took off, in the query that loads them: `balance_due` reads it for one invoice, the
reminders (`payments.reminders`) for a whole batch in one query.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DecimalField, Expression, QuerySet
from django.db.models.expressions import SQLiteNumericMixin
from django.db.models.sql.compiler import SQLCompiler

from clausier.billing.models import Invoice, Payment
from clausier.core.money import to_cents

_MONEY = DecimalField(max_digits=14, decimal_places=2)


class _PerInvoice(SQLiteNumericMixin, Expression):
    """A scalar SQL expression over the row's invoice, written once as SQL.

    The same sums as `Subquery(Payment...annotate(Sum))` wrapped in `Coalesce` and an
    `ExpressionWrapper`, but Django compiled those anew on every query: 11 ms for the
    home page's open invoices, against 1.2 ms for SQLite to run it (docs/portal.md,
    "Speed"). `{t}` is the invoice table's alias in the query being compiled, so the
    expression stays right when the queryset is nested in another query. On SQLite it is
    wrapped in CAST(... AS NUMERIC) like Django's own decimal expressions, so that it
    compares as a number with a decimal parameter."""

    def __init__(self, template: str) -> None:
        super().__init__(output_field=_MONEY)
        self.template = template

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.template.format(t=alias), ()

    def get_group_by_cols(self) -> list[Any]:
        return []

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _PerInvoice) and other.template == self.template

    def __hash__(self) -> int:
        return hash(self.template)


_INVOICES = Invoice._meta.db_table
_PAYMENTS = Payment._meta.db_table
# Table names from the models, no input: nothing here comes from a request.
_PAID = (
    f'COALESCE((SELECT SUM(p."amount") FROM "{_PAYMENTS}" p'  # noqa: S608
    ' WHERE p."invoice_id" = {t}."id"), 0)'
)
_CREDITED = (
    f'COALESCE((SELECT SUM(c."total_ttc") FROM "{_INVOICES}" c'  # noqa: S608
    ' WHERE c."corrects_id" = {t}."id"), 0)'
)
# Rounded to the cent in SQL: SQLite sums decimals as floats, and a balance of 1e-14
# must not count as unpaid.
_BALANCE = f'ROUND({{t}}."total_ttc" - {_PAID} - {_CREDITED}, 2)'


def with_balances(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`invoices` annotated with `paid_total` (payments recorded against each),
    `credited_total` (the credit notes correcting it), zero when there are none, and
    `balance_total`, what is left to pay (lists filter and sort on it in the database)."""
    return invoices.annotate(
        paid_total=_PerInvoice(_PAID),
        credited_total=_PerInvoice(_CREDITED),
        balance_total=_PerInvoice(_BALANCE),
    )


def _paid(invoice: Invoice) -> Decimal:
    paid: Decimal = invoice.paid_total + invoice.credited_total  # type: ignore[attr-defined]
    return to_cents(paid)


def balance_of(total_ttc: Decimal, paid_total: Decimal, credited_total: Decimal) -> Decimal:
    """What is left to pay, from an invoice's total and the two sums `with_balances`
    reads (for rows read as values, without a model instance)."""
    return to_cents(total_ttc - to_cents(paid_total + credited_total))


def annotated_balance(invoice: Invoice) -> Decimal:
    """The balance of an invoice loaded through `with_balances`."""
    return balance_of(invoice.total_ttc, invoice.paid_total, invoice.credited_total)  # type: ignore[attr-defined]


def amount_paid(invoice: Invoice) -> Decimal:
    return _paid(with_balances(Invoice.objects.filter(pk=invoice.pk).only("pk")).get())


def balance_due(invoice: Invoice) -> Decimal:
    return to_cents(invoice.total_ttc - amount_paid(invoice))
