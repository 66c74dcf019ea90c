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
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.api.world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = 5


@dataclass
class Tally:
    cases: int = 0
    unsendable: int = 0
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
        try:
            response = case.call(headers=headers)
        except ValueError as exc:
            # A generated path that urllib itself cannot parse ("[" read as an IPv6 host):
            # no HTTP client can send it, so it never reaches the server. Counted, not sent.
            if "Invalid IPv6 URL" not in str(exc):
                raise
            tally.unsendable += 1
            return
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


@pytest.fixture
def connection_kept_across_requests():
    """schemathesis calls the WSGI application itself, not through Django's test client:
    keep the test's database connection open between requests, as the test client does
    (on PostgreSQL the request signals would otherwise close the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("connection_kept_across_requests")
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
        f"{tally.cases} cases ({tally.unsendable} unsendable), "
        f"{len(tally.server_errors)} server errors, "
        f"{len(tally.undocumented)} undocumented status codes, statuses {dict(tally.statuses)}"
    )
    assert tally.server_errors == [], "\n".join(sorted(set(tally.server_errors))[:40])
    assert tally.undocumented == [], "\n".join(sorted(set(tally.undocumented))[:40])
    assert tally.off_shape == [], "\n".join(sorted(set(tally.off_shape))[:40])
