from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core.scheduler import Job, register


class NotifyConfig(AppConfig):
    name = "clausier.notify"
    label = "notify"
    verbose_name = _("Messages")

    def ready(self) -> None:
        register(Job("outbox delivery", 2.0, "clausier.notify.services.deliver_due"))
