from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.accounts import mail
from clausier.core.navigation import NavItem
from clausier.core.navigation import register as register_menu
from clausier.core.scheduler import Job, register

DELIVERY_JOB = "outbox delivery"


class NotifyConfig(AppConfig):
    name = "clausier.notify"
    label = "notify"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # Its own lane, woken when a queued message commits (services.enqueue).
        register(Job(DELIVERY_JOB, 2.0, "clausier.notify.services.deliver_due", lane="outbox"))
        # accounts queues its invitations and notices through the outbox by this hook
        # (accounts sits below notify and does not import it).
        mail.register(
            "clausier.notify.services.enqueue", counter="clausier.notify.selectors.queued_since"
        )
        register_menu(
            NavItem("notify.preferences", _("Notifications"), "portal:notice_preferences", 900)
        )
