"""`clausier simulate FILE` and `clausier simulate -`: JSON out, exit code 2 on bad input."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from clausier.simulate.management.commands import simulate as command
from tests.simulate.helpers import SCENARIOS, clausier_cli

GOOD = SCENARIOS / "managed_hosting" / "ticket_ack.yaml"
BAD = "service_line: managed_hosting\nevents:\n  - {at: 2026-03-02T10:00, type: nope}\n"


@pytest.mark.django_db
def test_it_reads_the_scenario_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(GOOD.read_text(encoding="utf-8")))
    out = io.StringIO()
    call_command("simulate", "-", stdout=out)
    assert json.loads(out.getvalue()) == json.loads(
        GOOD.with_suffix(".expected.json").read_text(encoding="utf-8")
    )


@pytest.mark.django_db
def test_a_bad_scenario_is_a_command_error_with_return_code_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(BAD))
    with pytest.raises(CommandError) as caught:
        call_command("simulate", "-")
    assert caught.value.returncode == 2
    assert str(caught.value) == "<stdin>, line 3, field 'type': unknown event type 'nope'"


@pytest.mark.django_db
def test_a_missing_file_exits_with_code_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("simulate", str(tmp_path / "missing.yaml"))
    assert caught.value.returncode == 2
    assert "cannot read" in str(caught.value)


@pytest.mark.django_db
def test_whatever_the_engine_writes_is_rolled_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def run_writing(scenario: object) -> dict[str, object]:
        Group.objects.create(name="written by a simulation")
        return {"results": []}

    monkeypatch.setattr(command, "run", run_writing)
    out = io.StringIO()
    call_command("simulate", str(GOOD), stdout=out)
    assert json.loads(out.getvalue()) == {"results": []}
    assert not Group.objects.filter(name="written by a simulation").exists()


def test_the_real_command_prints_json_and_exits_0(tmp_path: Path) -> None:
    done = clausier_cli(tmp_path, "simulate", "-", stdin=GOOD.read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == GOOD.with_suffix(".expected.json").read_text(encoding="utf-8")


def test_the_real_command_exits_2_naming_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    done = clausier_cli(tmp_path, "simulate", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"{bad}, line 3, field 'type': unknown event type 'nope'" in done.stderr
