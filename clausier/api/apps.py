from django.apps import AppConfig

from clausier.core.scheduler import Job, register


class ApiConfig(AppConfig):
    name = "clausier.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Idempotency keys are kept seven days, then forgotten (docs/api.md).
        register(Job("idempotency keys purge", 3600.0, "clausier.api.idempotency.purge_expired"))
