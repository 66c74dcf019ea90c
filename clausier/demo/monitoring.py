"""Demo monitoring: the hosting client's managed server, watched on loopback.

Its services point at what `make run` itself serves on this machine: Ping 127.0.0.1,
HTTP on Clausier's own web server, SMTP on the mail catcher. FTP points at a closed
port, so a newcomer sees a SOFT then HARD problem within two minutes of `make run`, the
alert e-mail in var/mail/ and an availability figure. The checks that need agents this
machine may not run (SNMP, MySQL, POP3, IMAP) are disabled, not failing.
"""

from __future__ import annotations

import os
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clausier.billing.models import Subscription
from clausier.monitoring.models import ManagedServer, MonitoredService

SERVER_NAME = "www-demo"
HOSTING_PLAN = "infogerance"  # the demo's managed-hosting plan (demo/data.py)
CLOSED_PORT = 1  # nothing listens on tcpmux: "Connection refused", CRITICAL
LOOPBACK: dict[str, dict[str, object]] = {
    "Ping": {},
    "HTTP": {"port": 8000, "path": "/"},
    "SMTP": {"port": 8025},
    "FTP": {"port": CLOSED_PORT},
}


@transaction.atomic
def load_monitoring_demo() -> None:
    subscription = (
        Subscription.objects.filter(plan__code=HOSTING_PLAN)
        .select_related("client", "provider")
        .order_by("pk")
        .first()
    )
    if subscription is None or ManagedServer.objects.filter(name=SERVER_NAME).exists():
        return
    now = timezone.now()
    server = ManagedServer.objects.create(
        provider=subscription.provider,
        client=subscription.client,
        subscription=subscription,
        name=SERVER_NAME,
        address="127.0.0.1",
        monthly_fee_ht=Decimal("150.00"),
        high_availability=True,
        full_backup=True,
        created_at=now,
    )
    http_port = int(os.environ.get("CLAUSIER_PORT", "8000"))
    for service in server.services.all():
        params = LOOPBACK.get(service.name)
        if params is None:
            service.enabled = False
        else:
            service.params = {**service.params, **params}
            if service.name == "HTTP":
                service.params["port"] = http_port
            # Short intervals so the demo moves while one watches it.
            service.check_interval, service.retry_interval = 60, 15
            service.next_check_at = now
        service.save()
    MonitoredService.objects.filter(server=server, name="FTP").update(
        max_check_attempts=3, escalate_in_hno=False
    )
