"""Each documented limit of a scenario: exactly at it passes, one past it fails with a
one-line message naming the line and the field (see docs/simulator.md, "Limits")."""

from __future__ import annotations

import pytest

from clausier.simulate import ScenarioError, load_scenario, tree
from clausier.simulate.limits import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_EVENTS,
    MAX_FIELDS,
    MAX_SCALAR_CHARS,
)
from tests.simulate.helpers import coaching


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(text, "test.yaml")
    message = str(caught.value)
    assert "\n" not in message
    return message


def invoice(amount: str = "10.00", at: str = "2026-03-02T10:00", due: str = "2026-03-31") -> str:
    return coaching(
        f"{{at: {at}, type: invoice_issued, id: i1, amount_ttc: {amount}, due_at: {due}}}"
    )


def nested_flow(levels: int) -> str:
    """`levels` collections: the top mapping, then lists inside lists."""
    inner = levels - 1
    return "events: " + "[" * inner + "]" * inner + "\n"


def nested_block(levels: int) -> str:
    lines = ["events:"]
    lines += [" " * (2 * depth) + "-" for depth in range(1, levels - 1)]
    lines.append(" " * (2 * (levels - 1)) + "- x")
    return "\n".join(lines) + "\n"


def test_it_reads_exactly_the_size_limit() -> None:
    tree.check_size("a" * MAX_BYTES, "test.yaml")
    tree.check_size("é" * (MAX_BYTES // 2), "test.yaml")  # two bytes each in UTF-8


def test_it_refuses_one_byte_more() -> None:
    for text in ("a" * (MAX_BYTES + 1), "é" * (MAX_BYTES // 2) + "a"):
        with pytest.raises(ScenarioError) as caught:
            tree.check_size(text, "test.yaml")
        assert str(caught.value) == (
            "test.yaml: the scenario is over 10,485,760 bytes (10 MiB), the limit"
        )


def test_it_composes_exactly_the_nesting_limit_in_flow_and_block_style() -> None:
    assert tree.compose(nested_flow(MAX_DEPTH), "test.yaml") is not None
    assert tree.compose(nested_block(MAX_DEPTH), "test.yaml") is not None


def test_it_refuses_one_level_more_naming_the_field() -> None:
    with pytest.raises(ScenarioError) as caught:
        tree.compose(nested_flow(MAX_DEPTH + 1), "test.yaml")
    assert str(caught.value) == (
        "test.yaml, line 1, field 'events': nested more than 50 levels deep"
    )
    with pytest.raises(ScenarioError) as caught:
        tree.compose(nested_block(MAX_DEPTH + 1), "test.yaml")
    assert str(caught.value) == (
        "test.yaml, line 51, field 'events': nested more than 50 levels deep"
    )


def test_it_refuses_600_levels_of_flow_inside_an_event() -> None:
    deep = "[" * 600 + "]" * 600
    text = coaching(f"{{at: 2026-03-02T10:00, type: invoice_paid, invoice: {deep}}}")
    assert error_of(text) == ("test.yaml, line 3, field 'invoice': nested more than 50 levels deep")


def test_it_refuses_600_levels_of_block_lists() -> None:
    assert error_of("service_line: coaching_training\n" + nested_block(600)) == (
        "test.yaml, line 52, field 'events': nested more than 50 levels deep"
    )


def test_it_composes_exactly_the_events_limit() -> None:
    items = ", ".join(["x"] * MAX_EVENTS)
    root = tree.compose(f"events: [{items}]\n", "test.yaml")
    assert root is not None and len(root.value[0][1].value) == MAX_EVENTS


def test_it_refuses_one_event_more() -> None:
    items = ", ".join(["x"] * (MAX_EVENTS + 1))
    with pytest.raises(ScenarioError) as caught:
        tree.compose(f"events: [{items}]\n", "test.yaml")
    assert str(caught.value) == (
        "test.yaml, line 1, field 'events': a list of over 100,000 items (events)"
    )


def test_it_counts_fields_up_to_the_limit() -> None:
    fields = ", ".join(f"f{i}: x" for i in range(MAX_FIELDS))
    assert tree.compose(f"{{{fields}}}\n", "test.yaml") is not None
    with pytest.raises(ScenarioError) as caught:
        tree.compose(f"{{{fields}, last: x}}\n", "test.yaml")
    assert str(caught.value) == "test.yaml, line 1: a mapping of over 64 fields"


def test_it_counts_values_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit is 2,500,000; the count is the same code at any size.
    monkeypatch.setattr(tree, "MAX_NODES", 5)
    # The mapping, its key, the list and two items: five values.
    assert tree.compose("events: [a, b]\n", "test.yaml") is not None
    with pytest.raises(ScenarioError) as caught:
        tree.compose("events: [a, b, c]\n", "test.yaml")
    assert str(caught.value) == "test.yaml, line 1, field 'events': the scenario has over 5 values"


def test_it_reads_a_value_of_exactly_the_length_limit() -> None:
    root = tree.compose("note: " + "x" * MAX_SCALAR_CHARS + "\n", "test.yaml")
    assert root is not None and len(root.value[0][1].value) == MAX_SCALAR_CHARS


def test_it_refuses_an_amount_of_100000_digits_in_one_line() -> None:
    assert error_of(invoice("9" * 100_000)) == (
        "test.yaml, line 3, field 'amount_ttc': a value of 100,000 characters; "
        "at most 200 are allowed"
    )
    assert error_of(invoice("9" * (MAX_SCALAR_CHARS + 1))).endswith(
        "a value of 201 characters; at most 200 are allowed"
    )


def test_it_takes_an_amount_just_below_10_to_the_12() -> None:
    event = load_scenario(invoice("999999999999.99"), "test.yaml").events[0]
    assert str(event.decimal("amount_ttc")) == "999999999999.99"


def test_it_refuses_an_amount_of_10_to_the_12() -> None:
    assert error_of(invoice("1000000000000.00")) == (
        "test.yaml, line 3, field 'amount_ttc': '1000000000000.00' is too large: "
        "amounts and numbers are below 10^12"
    )


def test_it_takes_the_first_and_last_days_of_its_years() -> None:
    load_scenario(invoice(at="2000-01-01T00:00", due="2000-01-01"), "test.yaml")
    load_scenario(invoice(at="2199-12-31T23:59", due="2199-12-31"), "test.yaml")


def test_it_refuses_the_day_before_and_the_day_after() -> None:
    assert error_of(invoice(at="1999-12-31T23:59")) == (
        "test.yaml, line 3, field 'at': '1999-12-31T23:59' is not between the years 2000 and 2199"
    )
    assert error_of(invoice(at="2199-12-31T23:00", due="2200-01-01")) == (
        "test.yaml, line 3, field 'due_at': '2200-01-01' is not between the years 2000 and 2199"
    )


def test_a_field_name_with_a_line_break_stays_on_one_line() -> None:
    message = error_of(coaching('{at: 2026-03-02T10:00, type: invoice_paid, "a\\nb": x}'))
    assert message.startswith("test.yaml, line 3, field 'a b': unknown field")
