"""The support desk (hosting art. 3.3, 3.4, 5, 14): tickets, e-mail in, emergencies, interventions
and the SLA clock, quotas, advice time, credits into billing.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core.navigation import NavItem
from clausier.core.navigation import register as register_page
from clausier.core.scheduler import Job, register


class SupportConfig(AppConfig):
    name = "clausier.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        register_page(
            NavItem(
                "support.desk",
                _("Support"),
                "portal:support",
                order=40,
                visible="clausier.support.views.is_support_user",
            )
        )
        from clausier.support.services import outbound  # noqa: PLC0415 - needs the models loaded

        outbound.register()
        # Credits whose clock closed without being settled (a process killed between the
        # intervention's update and its credit): idempotent, so hourly is harmless.
        register(Job("support credits", 3600.0, "clausier.support.tasks.settle_credits"))
