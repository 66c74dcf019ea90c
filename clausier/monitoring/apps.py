"""Managed servers watched 24x7 (hosting art. 3.2, 5, 6, 14): inventory, checks with Icinga 2 state
semantics, alerts, escalation, downtimes, availability and HA credits.
"""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from clausier.core.navigation import NavItem
from clausier.core.navigation import register as register_nav
from clausier.core.scheduler import Daemon, Job, register, register_daemon
from clausier.notify.templates import register_template

ALERT_CONTEXT = frozenset(
    {
        "provider",
        "client",
        "server",
        "address",
        "service",
        "kind",
        "state",
        "output",
        "since",
        "link",
        "clause",
    }
)


def apply_template_on_create(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new server gets the LAMP template of art. 3.2 (by dotted path: the services
    import the models, which are not loaded when this module is)."""
    if created and not raw:
        import_string("clausier.monitoring.services.inventory.apply_lamp_template")(
            instance, instance.created_at
        )


class MonitoringConfig(AppConfig):
    name = "clausier.monitoring"
    label = "monitoring"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        post_save.connect(
            apply_template_on_create,
            sender="monitoring.ManagedServer",
            dispatch_uid="monitoring.lamp_template",
        )
        register_template("monitoring_alert", ALERT_CONTEXT)
        register_template("monitoring_escalation", ALERT_CONTEXT | {"due"})
        register_template("monitoring_watchdog", frozenset({"provider", "last_beat"}))
        register_template(
            "monitoring_maintenance_notice",
            frozenset(
                {"provider", "client", "server", "address", "starts_at", "ends_at", "reason"}
                | {"zone", "clause", "link"}
            ),
        )
        tasks = "clausier.monitoring.tasks."
        register(Job("monitoring.escalations", 30, tasks + "escalate_due"))
        register(Job("monitoring.downtime_ends", 30, tasks + "end_downtimes"))
        register(Job("monitoring.prune_results", 3600, tasks + "prune_results"))
        register(Job("monitoring.watchdog", 60, tasks + "watchdog"))
        register(Job("monitoring.ha_credits", 3600, tasks + "close_previous_months"))
        register(Job("monitoring.renotify", 30, tasks + "renotify_due"))
        register(Job("monitoring.reports", 600, tasks + "collect_reports"))
        # Art. 6: servers still without their two weekly maintenance windows.
        register(Job("monitoring.windows_reminders", 600, tasks + "remind_missing_windows"))
        register_template(
            "monitoring_windows_reminder",
            frozenset({"provider", "client", "server", "address", "created_at", "zone"})
            | {"clause", "link"},
        )
        register_template(
            "monitoring_report_alert",
            frozenset(
                {"provider", "client", "server", "kind", "period", "failed", "summary"}
                | {"clause", "link"}
            ),
        )
        register_daemon(Daemon("monitor", "clausier.monitoring.monitor.start_embedded"))
        register_nav(
            NavItem(
                "monitoring.status",
                _("Supervision"),
                "portal:monitoring_status",
                order=40,
                visible="clausier.monitoring.views.nav_visible",
            )
        )
        register_nav(
            NavItem(
                "monitoring.board",
                _("Problèmes en cours"),
                "portal:monitoring_board",
                order=41,
                visible="clausier.monitoring.pages.board_nav_visible",
            )
        )
