"""Pure parts of the SNMP checks: counters, queue listings, free-space limits, indexes."""

from __future__ import annotations

import pytest

from clausier.probes.snmp_checks import (
    COUNTER64,
    CounterSample,
    FreeLimit,
    counter_delta,
    extend_oid,
    local_port,
    queue_length,
    traffic_rates,
)


def test_a_counter_delta_survives_one_wrap() -> None:
    assert counter_delta(100, 250) == 150
    assert counter_delta(COUNTER64 - 10, 5) == 15
    assert counter_delta(2**32 - 1, 9, modulus=2**32) == 10


def test_rates_are_bits_per_second_over_agent_time() -> None:
    first = CounterSample(1_000, 2_000, uptime=10_000, taken=0.0)
    second = CounterSample(2_000, 2_500, uptime=10_200, taken=2.0)  # 2 s of sysUpTime
    assert traffic_rates(first, second) == (4_000.0, 2_000.0)


def test_rates_across_a_wrap() -> None:
    first = CounterSample(COUNTER64 - 100, 0, uptime=100, taken=0.0)
    second = CounterSample(900, 0, uptime=200, taken=1.0)
    assert traffic_rates(first, second) == (8_000.0, 0.0)


def test_an_agent_restart_gives_no_rate() -> None:
    first = CounterSample(5_000_000, 5_000_000, uptime=900_000, taken=0.0)
    second = CounterSample(10, 10, uptime=300, taken=5.0)
    assert traffic_rates(first, second) is None


@pytest.mark.parametrize(
    ("listing", "count"),
    [
        ("-Queue ID- ...\n\n-- 4 Kbytes in 3 Requests.\n", 3),
        ("-- 1 Kbytes in 1 Request.", 1),
        ("Mail queue is empty\n", 0),
        ("7\n", 7),
    ],
)
def test_it_counts_queue_listings(listing: str, count: int) -> None:
    assert queue_length(listing) == count


def test_it_refuses_an_unknown_listing() -> None:
    with pytest.raises(ValueError, match="unrecognised"):
        queue_length("postqueue: fatal: cannot connect")


def test_free_limits_in_percent_and_amounts() -> None:
    assert FreeLimit.parse("20%", "MB").crossed(free=19, total=100)
    assert not FreeLimit.parse("20%", "MB").crossed(free=20, total=100)
    assert FreeLimit.parse("500", "MB").amount == 500 * 2**20
    assert FreeLimit.parse("1G", "b").amount == 2**30
    assert FreeLimit.parse("4096", "b").amount == 4096


def test_it_reads_the_local_port_of_a_connection_index() -> None:
    assert local_port("1.4.127.0.0.1.18080.1.4.127.0.0.1.40000") == 18080
    assert local_port("2.16." + ".".join(["0"] * 15) + ".1.443.2.16." + "0." * 15 + "1.5") == 443


def test_extend_oids_spell_the_name() -> None:
    assert extend_oid("mailq") == "1.3.6.1.4.1.8072.1.3.2.3.1.2.5.109.97.105.108.113"
