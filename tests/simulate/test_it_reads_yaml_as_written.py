"""The loader reads YAML text as written: block or flow style, quoted or not."""

from __future__ import annotations

import pytest

from clausier.simulate import ScenarioError, load_scenario
from tests.simulate.helpers import results, simulate

BLOCK = """\
service_line: managed_hosting
events:
  - at: 2026-03-02 10:00
    type: ticket_opened
    id: t1
  - at: "2026-03-02T11:30:00+01:00"
    type: ticket_acknowledged
    ticket: t1
"""


def test_block_style_and_a_space_between_date_and_time_are_fine() -> None:
    (ack,) = results(BLOCK, "ticket_ack")
    assert (ack["due"], ack["late_minutes"]) == ("2026-03-02T11:00:00+01:00", 30)


def test_a_missing_field_in_block_style_names_the_line_the_event_starts_on() -> None:
    text = BLOCK.replace("    ticket: t1\n", "")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(text, "block.yaml")
    assert (
        str(caught.value)
        == "block.yaml, line 6, field 'ticket': is required for ticket_acknowledged"
    )


def test_a_bad_value_in_block_style_names_its_own_line() -> None:
    text = BLOCK.replace("id: t1", "id: t 1")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(text, "block.yaml")
    assert caught.value.line == 5
    assert caught.value.field == "id"


def test_an_empty_scenario_gives_no_results() -> None:
    assert simulate("service_line: coaching_training\nevents: []\n")["results"] == []


def test_the_terms_version_is_the_latest_by_default_and_can_be_named() -> None:
    assert simulate("service_line: managed_hosting\nevents: []\n")["terms"] == "1.1"
    assert simulate("service_line: managed_hosting\nterms: '1.0'\nevents: []\n")["terms"] == "1.0"


def test_an_empty_file_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="the scenario is empty"):
        load_scenario("", "empty.yaml")


def test_a_list_at_the_top_is_an_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario("- 1\n", "list.yaml")
    assert str(caught.value) == "list.yaml, line 1: the scenario must be a mapping of fields"
