"""Contract policies: the pack names its policy, and each answer is its contract's, at the
boundaries the rule tests use, with its clause; a contract without the clause answers None."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import PACKS_DIR, PackError, available_versions, load_pack, parse_pack
from clausier.terms.policies import POLICIES, policy_for
from clausier.terms.policies.base import BalanceBilling
from clausier.terms.policies.coaching_training import CoachingTrainingPolicy
from clausier.terms.policies.managed_hosting import ManagedHostingPolicy
from clausier.terms.rules.coaching_training import AnnouncedIncrease

PARIS = ZoneInfo("Europe/Paris")
HUNDRED = Decimal("100.00")
HOSTING = {version: policy_for(load_pack("managed_hosting", version)) for version in ("1.0", "1.1")}
COACHING = {
    version: policy_for(load_pack("coaching_training", version)) for version in ("1.0", "1.1")
}
EVERY = [*HOSTING.values(), *COACHING.values()]


def at(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


# -- The pack names its policy ------------------------------------------------------------


def test_the_pack_names_its_policy_by_its_service_line() -> None:
    assert all(isinstance(policy, ManagedHostingPolicy) for policy in HOSTING.values())
    assert all(isinstance(policy, CoachingTrainingPolicy) for policy in COACHING.values())
    assert HOSTING["1.1"].pack.version == "1.1"  # the policy reads the accepted version
    assert set(POLICIES) == {"managed_hosting", "coaching_training"}


def test_every_shipped_pack_has_a_policy() -> None:
    for folder in sorted(p for p in PACKS_DIR.iterdir() if p.is_dir()):
        for version in available_versions(folder.name):
            assert policy_for(load_pack(folder.name, version)).pack.service_line == folder.name


def test_a_pack_without_a_policy_is_refused_by_name() -> None:
    pack = parse_pack(
        '[pack]\nservice_line = "plumbing"\nversion = "1.0"\ntitle = "t"\nsource = "s"\n'
        'language = "fr"\n[x]\narticle = "1"\ntitle = "t"\ndays = 1\n'
    )
    with pytest.raises(PackError, match=r"plumbing 1\.0: no contract policy"):
        policy_for(pack)


def test_a_policy_refuses_another_contracts_pack() -> None:
    with pytest.raises(ValueError, match=r"coaching_training 1\.0"):
        ManagedHostingPolicy(load_pack("coaching_training", "1.0"))


# -- Contract start and instalments -------------------------------------------------------


def test_hosting_starts_on_the_paris_day_of_payment() -> None:
    late_evening_utc = datetime(2024, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Paris
    started = HOSTING["1.1"].contract_start(late_evening_utc)
    assert started.start == date(2024, 4, 1)
    assert started.clause.article == "8.3"
    assert HOSTING["1.1"].contract_start(at(2024, 3, 31, 23, 59)).start == date(2024, 3, 31)


def test_coaching_starts_on_the_day_its_first_invoice_is_paid() -> None:
    started = COACHING["1.1"].contract_start(datetime(2024, 3, 31, 22, 30, tzinfo=UTC))
    assert started.start == date(2024, 4, 1)
    assert started.clause.article == "9.1.1"


@pytest.mark.parametrize("months", [1, 3, 6, 12])
def test_each_contract_cites_its_instalment_clause(months: int) -> None:
    assert HOSTING["1.0"].instalment_clause(months).article == "8.3"  # type: ignore[union-attr]
    assert COACHING["1.0"].instalment_clause(months).article == "8.2.3"  # type: ignore[union-attr]


def test_coaching_has_no_clause_for_an_instalment_it_does_not_offer() -> None:
    assert COACHING["1.1"].instalment_clause(2) is None


# -- Termination --------------------------------------------------------------------------


def test_hosting_runs_to_the_end_of_the_period_already_invoiced() -> None:
    balance = HOSTING["1.1"].termination_balance(
        start=date(2024, 1, 1),
        notice_given_at=at(2024, 5, 10),
        paid_through=date(2024, 7, 1),
        period_months=3,
        instalment=HUNDRED,
    )
    assert balance.effective_on == date(2024, 7, 1)
    assert balance.billing is BalanceBilling.NOTHING and not balance.at_once
    assert balance.due_dates == ()
    assert balance.clause.article == "9"


def test_hosting_not_invoiced_yet_ends_on_the_notice_day() -> None:
    balance = HOSTING["1.0"].termination_balance(
        start=None,
        notice_given_at=datetime(2024, 5, 9, 23, 30, tzinfo=UTC),
        paid_through=None,
        period_months=3,
        instalment=HUNDRED,
    )
    assert balance.notice_on == balance.effective_on == date(2024, 5, 10)


def _coaching_balance(version: str, **changes: object):  # type: ignore[no-untyped-def]
    arguments: dict[str, object] = {
        "start": date(2025, 1, 31),
        "notice_given_at": at(2025, 6, 15),
        "paid_through": date(2025, 6, 30),
        "period_months": 1,
        "instalment": HUNDRED,
    }
    arguments.update(changes)
    return COACHING[version].termination_balance(**arguments)  # type: ignore[arg-type]


def test_coaching_pack_1_0_bills_the_balance_at_once() -> None:
    balance = _coaching_balance("1.0")
    assert balance.billing is BalanceBilling.AT_ONCE and balance.at_once
    assert balance.due_dates[0] == date(2025, 6, 30)
    assert len(balance.due_dates) == 7
    assert balance.effective_on == date(2026, 1, 31)
    assert balance.clause.article == "9.1.3"


def test_coaching_pack_1_1_leaves_each_instalment_at_its_date() -> None:
    balance = _coaching_balance("1.1")
    assert balance.billing is BalanceBilling.AT_DUE_DATES
    assert balance.effective_on == date(2026, 1, 31)


def test_force_majeure_releases_the_balance_under_either_reading() -> None:
    released = _coaching_balance("1.1", force_majeure=True)
    assert released.billing is BalanceBilling.NOTHING
    at_once = _coaching_balance("1.0", force_majeure=True)
    assert at_once.billing is BalanceBilling.AT_ONCE and at_once.due_dates == ()


def test_a_notice_refusing_an_increase_ends_the_contract_when_it_would_apply() -> None:
    increase = AnnouncedIncrease(at(2025, 3, 1), date(2025, 7, 1))
    balance = _coaching_balance("1.1", pending_increase=increase, paid_through=date(2025, 6, 30))
    assert balance.refuses_increase
    assert balance.effective_on == date(2025, 7, 1)
    assert balance.clause.article == "8.1"


def test_a_period_invoiced_before_the_refused_increase_runs_to_its_end() -> None:
    increase = AnnouncedIncrease(at(2025, 3, 1), date(2025, 7, 1))
    balance = _coaching_balance("1.1", pending_increase=increase, paid_through=date(2025, 7, 31))
    assert balance.effective_on == date(2025, 7, 31)


def test_a_coaching_contract_not_started_has_no_balance() -> None:
    with pytest.raises(ValueError, match="not started"):
        _coaching_balance("1.1", start=None)


def test_only_coaching_invoices_the_instalments_due_before_the_notice() -> None:
    assert all(p.invoices_instalments_due_before_notice() for p in COACHING.values())
    assert not any(p.invoices_instalments_due_before_notice() for p in HOSTING.values())


# -- Rejected debit -----------------------------------------------------------------------


def test_a_rejected_coaching_debit_makes_the_rest_of_the_period_due() -> None:
    accelerated = COACHING["1.0"].on_rejected_debit(
        start=date(2025, 1, 31),
        rejected_due_on=date(2025, 4, 30),
        period_months=1,
        instalment=HUNDRED,
    )
    assert accelerated is not None
    assert (accelerated.due_dates[0], accelerated.due_dates[-1]) == (
        date(2025, 5, 31),
        date(2025, 12, 31),
    )
    assert accelerated.period_ends_on == date(2026, 1, 31)
    assert accelerated.clause.article == "9.1.3"


def test_a_rejected_last_instalment_leaves_nothing_due() -> None:
    accelerated = COACHING["1.1"].on_rejected_debit(
        start=date(2025, 1, 31),
        rejected_due_on=date(2025, 12, 31),
        period_months=1,
        instalment=HUNDRED,
    )
    assert accelerated is not None
    assert accelerated.due_dates == () and accelerated.period_ends_on is None


def test_a_rejected_debit_accelerates_nothing_elsewhere() -> None:
    kwargs = {"start": date(2025, 1, 31), "rejected_due_on": date(2025, 4, 30)}
    assert HOSTING["1.1"].on_rejected_debit(**kwargs, period_months=3, instalment=HUNDRED) is None
    assert COACHING["1.1"].on_rejected_debit(**kwargs, period_months=2, instalment=HUNDRED) is None


# -- Credits, prices, default, disputes, terms changes ------------------------------------


@pytest.mark.parametrize(
    ("credits", "granted", "capped"),
    [
        ([Decimal("40.00"), Decimal("60.00")], Decimal("100.00"), False),  # exactly the fee
        ([Decimal("40.00"), Decimal("60.01")], Decimal("100.00"), True),
    ],
)
def test_hosting_caps_a_months_credits_at_its_fee(
    credits: list[Decimal], granted: Decimal, capped: bool
) -> None:
    result = HOSTING["1.1"].credit_cap(credits, HUNDRED)
    assert result is not None
    assert (result.granted, result.capped) == (granted, capped)
    assert result.clause.article == "14"


def test_coaching_sets_no_credit_cap() -> None:
    assert COACHING["1.1"].credit_cap([HUNDRED, HUNDRED], HUNDRED) is None


@pytest.mark.parametrize(
    ("announced", "respected"), [(at(2024, 1, 30), True), (at(2024, 1, 31), False)]
)
def test_coaching_announces_an_increase_three_months_ahead(
    announced: datetime, respected: bool
) -> None:
    notice = COACHING["1.0"].price_change_notice(announced, date(2024, 4, 30))
    assert notice is not None
    assert notice.notice_respected is respected
    assert notice.clause.article == "8.1"


def test_hosting_prices_change_by_index_not_by_notice() -> None:
    assert HOSTING["1.1"].price_change_notice(at(2024, 1, 1), date(2024, 6, 1)) is None
    assert HOSTING["1.0"].indexation().splits_period_at_anniversary is False  # type: ignore[union-attr]
    indexation = HOSTING["1.1"].indexation()
    assert indexation is not None and indexation.splits_period_at_anniversary
    assert indexation.clause.article == "8.2"
    assert all(policy.indexation() is None for policy in COACHING.values())


@pytest.mark.parametrize(
    ("published_on", "revised", "month"),
    [
        (date(2027, 1, 5), Decimal("1214.98"), date(2026, 12, 1)),  # on the anniversary
        (date(2027, 1, 6), Decimal("1194.74"), date(2026, 11, 1)),  # the day after: too late
    ],
)
def test_hosting_revises_by_the_latest_index_published_by_the_anniversary(
    published_on: date, revised: Decimal, month: date
) -> None:
    published = [
        (Decimal("295.0"), date(2026, 11, 1), date(2026, 12, 10)),
        (Decimal("300.0"), date(2026, 12, 1), published_on),
    ]
    retained = (Decimal("296.3"), date(2025, 12, 1))
    revision = HOSTING["1.1"].index_revision(
        Decimal("1200.00"), published, date(2027, 1, 5), retained
    )
    assert revision is not None and revision.latest is not None
    assert revision.latest.month == month and revision.retained == revision.latest
    assert revision.base == Decimal("296.3")
    assert revision.revised_amount == revised  # 1200 x latest / 296.3
    assert revision.clause.article == "8.2"


def test_without_a_published_index_the_price_and_the_retained_index_stay() -> None:
    retained = (Decimal("296.3"), date(2025, 12, 1))
    revision = HOSTING["1.1"].index_revision(Decimal("1200.00"), [], date(2027, 1, 5), retained)
    assert revision is not None
    assert (revision.revised_amount, revision.latest, revision.base) == (HUNDRED * 12, None, None)
    assert revision.retained is not None and revision.retained.value == Decimal("296.3")
    first = HOSTING["1.0"].index_revision(Decimal("1200.00"), [], date(2027, 1, 5), None)
    assert first is not None and first.retained is None


def test_coaching_prices_are_not_indexed() -> None:
    published = [(Decimal("300.0"), date(2026, 12, 1), None)]
    assert COACHING["1.1"].index_revision(HUNDRED, published, date(2027, 1, 5), None) is None


@pytest.mark.parametrize(
    ("today", "in_default"), [(at(2024, 3, 1, 23, 59), False), (at(2024, 3, 2, 0, 0), True)]
)
def test_hosting_default_starts_the_day_after_the_due_date(
    today: datetime, in_default: bool
) -> None:
    state = HOSTING["1.1"].payment_default(date(2024, 3, 1), None, None, today)
    assert state is not None
    assert (state.in_default, state.suspension_allowed) == (in_default, in_default)
    assert HOSTING["1.1"].payment_default_clause() == state.clause


def test_hosting_termination_comes_after_fifteen_days_of_formal_notice() -> None:
    state = HOSTING["1.0"].payment_default(
        date(2024, 3, 1), None, date(2024, 3, 5), at(2024, 3, 20)
    )
    assert state is not None and not state.termination_allowed
    later = HOSTING["1.0"].payment_default(
        date(2024, 3, 1), None, date(2024, 3, 5), at(2024, 3, 21)
    )
    assert later is not None and later.termination_allowed


def test_coaching_gives_no_right_on_default() -> None:
    policy = COACHING["1.1"]
    assert policy.payment_default_clause() is None
    assert policy.payment_default(date(2024, 3, 1), None, None, at(2024, 6, 1)) is None


@pytest.mark.parametrize(
    ("received", "in_time"), [(at(2024, 3, 11, 23, 59), True), (at(2024, 3, 12, 0, 0), False)]
)
def test_coaching_invoices_are_disputed_within_ten_days(received: datetime, in_time: bool) -> None:
    window = COACHING["1.1"].invoice_dispute(at(2024, 3, 1, 10), received)
    assert window is not None
    assert window.acted_in_time is in_time
    assert window.clause.article == "8.3"


def test_hosting_sets_no_dispute_window() -> None:
    assert HOSTING["1.1"].invoice_dispute(at(2024, 3, 1), at(2025, 3, 1)) is None


def test_only_hosting_lets_a_client_leave_after_a_terms_change() -> None:
    for policy in HOSTING.values():
        limit = policy.termination_after_terms_change()
        assert limit is not None and limit.days == 30 and limit.clause.article == "11"
    assert all(p.termination_after_terms_change() is None for p in COACHING.values())


@pytest.mark.parametrize("policy", EVERY, ids=repr)
def test_every_answer_cites_its_own_contract(policy: object) -> None:
    assert isinstance(policy, ManagedHostingPolicy | CoachingTrainingPolicy)
    clause = policy.instalment_clause(12)
    assert clause is not None and clause.contract == policy.pack.service_line
