from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulateConfig(AppConfig):
    """No models: an app so that `clausier simulate` lives beside the simulator."""

    name = "clausier.simulate"
    label = "simulate"
    verbose_name = _("Simulateur")
