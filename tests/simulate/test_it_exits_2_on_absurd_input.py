"""The command meets absurd input with exit code 2 and one line, never a traceback:
a file past the size limit is refused before it is read, deep nesting before it is
composed."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clausier.simulate.limits import MAX_BYTES
from tests.simulate.helpers import clausier_cli


def sparse(path: Path, size: int) -> Path:
    """A file of `size` zero bytes that costs no disk and no time to make."""
    with path.open("wb") as stream:
        stream.truncate(size)
    return path


def command_error(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("simulate", *args)
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = sparse(tmp_path / "big.yaml", MAX_BYTES + 1)
    opened: list[str] = []
    real_open = Path.open

    def watching_open(self: Path, *args: object, **kwargs: object) -> object:
        opened.append(str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", watching_open)
    assert command_error(str(big)) == (
        f"{big}: the scenario is over 10,485,760 bytes (10 MiB), the limit"
    )
    assert str(big) not in opened


@pytest.mark.django_db
def test_a_file_of_exactly_the_limit_is_read_and_parsed(tmp_path: Path) -> None:
    exact = sparse(tmp_path / "exact.yaml", MAX_BYTES)
    assert command_error(str(exact)) == (
        f"{exact}, line 1: invalid YAML: character #x0000: control characters are not allowed"
    )


@pytest.mark.django_db
def test_stdin_is_read_no_further_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    endless = io.StringIO("#" * (3 * MAX_BYTES))
    monkeypatch.setattr(sys, "stdin", endless)
    assert command_error("-") == (
        "<stdin>: the scenario is over 10,485,760 bytes (10 MiB), the limit"
    )
    assert endless.tell() == MAX_BYTES + 1


def test_the_real_command_answers_600_levels_of_nesting_in_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    nested = "[" * 600 + "]" * 600
    deep.write_text(
        "service_line: coaching_training\nevents:\n"
        f"  - {{at: 2026-03-02T10:00, type: invoice_paid, invoice: {nested}}}\n",
        encoding="utf-8",
    )
    done = clausier_cli(tmp_path, "simulate", str(deep))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {deep}, line 3, field 'invoice': nested more than 50 levels deep"
    ]
