"""The outbox under /api/outbox: the messages of the caller's providers, for staff only.

The endpoint was published with the accounts router (tag `accounts`, operationId
`clausier_api_routers_accounts_list_outbox`); it keeps both (api.api maps this module's
operationIds) so that generated clients do not change.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from clausier.accounts.api.people import caller
from clausier.apikit.pagination import Page
from clausier.notify.schemas import OutboxOut
from clausier.notify.selectors import visible_outbox

router = Router(tags=["accounts"])


@router.get("/outbox", response=list[OutboxOut])
@paginate(Page)
def list_outbox(request: HttpRequest) -> Any:
    return visible_outbox(caller(request))
