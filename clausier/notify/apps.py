from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core.scheduler import Job, register


class NotifyConfig(AppConfig):
    name = "clausier.notify"
    label = "notify"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # Imported here, not above: the outbox models load only once the app registry is
        # ready (the one function-level import this app keeps).
        from clausier.notify.services import deliver_due

        register(Job("outbox delivery", 2.0, deliver_due))
