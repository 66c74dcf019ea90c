from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core.scheduler import Job, register


class BillingConfig(AppConfig):
    name = "clausier.billing"
    label = "billing"
    verbose_name = _("Facturation")

    def ready(self) -> None:
        # Imported here, not above: tasks import models, which load only once the app
        # registry is ready (the one function-level import this app keeps).
        from clausier.billing.tasks import dispatch_reminders

        register(Job("payment reminders", 3600.0, dispatch_reminders))
