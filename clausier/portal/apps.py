from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core.navigation import NavItem, register


class PortalConfig(AppConfig):
    name = "clausier.portal"
    label = "portal"
    verbose_name = _("Espace client")

    def ready(self) -> None:
        # The staff workspace (portal.staff) for the provider's owner and accountant.
        register(
            NavItem(
                "portal.staff_clients",
                _("Clients"),
                "portal:staff_clients",
                12,
                "clausier.portal.staff.works_for_clients",
            )
        )
