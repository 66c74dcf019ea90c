from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core.navigation import NavItem
from clausier.core.navigation import register as register_menu
from clausier.core.scheduler import Job, register


class BillingConfig(AppConfig):
    name = "clausier.billing"
    label = "billing"
    verbose_name = _("Facturation")

    def ready(self) -> None:
        from clausier.billing import notices  # noqa: PLC0415 - needs the models loaded

        notices.register()
        # Hourly: hand the due reminders to a Celery task (inline without a broker).
        register(Job("payment reminders", 3600.0, "clausier.billing.tasks.dispatch_reminders"))
        register_menu(
            NavItem(
                "billing.plans",
                _("Formules"),
                "portal:plans",
                15,
                "clausier.billing.menu.orders_plans",
            )
        )
