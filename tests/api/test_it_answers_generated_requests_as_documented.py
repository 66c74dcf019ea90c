"""schemathesis against the live OpenAPI document: no server error, no undocumented status.

Run as the provider's owner, a client administrator and anonymously, positive and
negative cases; bounded examples, derandomized (a fixed seed), so the run is repeatable
(about 1,400 cases, some 80 s of CPU for the three callers). Every error body must be
the documented `ErrorOut` shape too.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.api.world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = 5


@dataclass
class Tally:
    cases: int = 0
    server_errors: list[str] = field(default_factory=list)
    undocumented: list[str] = field(default_factory=list)
    off_shape: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


def error_shape_ok(response: Any) -> bool:
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return (
        isinstance(body, dict)
        and isinstance(body.get("code"), str)
        and isinstance(body.get("message"), str)
        and isinstance(body.get("fields"), dict)
    )


def run(operation: Any, mode: GenerationMode, headers: dict[str, str], tally: Tally) -> None:
    documented = {int(code) for code in operation.responses.status_codes if code.isdigit()}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def one(case: Any) -> None:
        response = case.call(headers=headers)
        tally.cases += 1
        tally.statuses[response.status_code] += 1
        label = f"{operation.label} -> {response.status_code}"
        if response.status_code >= 500:
            tally.server_errors.append(f"{label} {response.content[:200]!r}")
        elif response.status_code not in documented:
            tally.undocumented.append(f"{label} {response.content[:200]!r}")
        elif response.status_code >= 400 and not error_shape_ok(response):
            tally.off_shape.append(f"{label} {response.content[:200]!r}")

    one()


@pytest.mark.parametrize("caller", ["owner_a", "admin_a1", None])
def test_it_answers_generated_requests_as_documented(caller):
    world = build_world()
    headers = {"Authorization": f"Bearer {world.secrets[caller]}"} if caller else {}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run(operation, mode, headers, tally)
    print(
        f"\nschemathesis as {caller or 'anonymous'}: {len(operations)} operations, "
        f"{tally.cases} cases, {len(tally.server_errors)} server errors, "
        f"{len(tally.undocumented)} undocumented status codes, statuses {dict(tally.statuses)}"
    )
    assert tally.server_errors == [], "\n".join(sorted(set(tally.server_errors))[:40])
    assert tally.undocumented == [], "\n".join(sorted(set(tally.undocumented))[:40])
    assert tally.off_shape == [], "\n".join(sorted(set(tally.off_shape))[:40])
