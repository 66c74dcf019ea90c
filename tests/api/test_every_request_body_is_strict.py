"""Every JSON body the API takes is a `StrictIn`: unknown fields are refused (a typo is
not silently ignored) and NUL characters are a 400, not a PostgreSQL error (a 500)."""

from __future__ import annotations

import typing

from ninja import Schema

from clausier.api.api import api
from clausier.apikit.schemas import StrictIn


def body_schemas() -> list[tuple[str, str, type[Schema]]]:
    found = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    if getattr(model, "__ninja_param_source__", None) != "body":
                        continue
                    for field in model.model_fields.values():
                        for kind in (field.annotation, *typing.get_args(field.annotation)):
                            if isinstance(kind, type) and issubclass(kind, Schema):
                                found.append((",".join(operation.methods), prefix + path, kind))
    return found


def test_every_request_body_refuses_unknown_fields_and_nul():
    schemas = body_schemas()
    assert len(schemas) > 50  # the walk found the API's bodies
    loose = [(m, p, s.__name__) for m, p, s in schemas if not issubclass(s, StrictIn)]
    assert loose == []
