from django.apps import AppConfig

from clausier.core.scheduler import Job, register


class ApiConfig(AppConfig):
    """The API toolkit's app. Its label stays `api` (it was clausier/api/ until the
    toolkit moved below the apps): the idempotency keys' table, `api_idempotentrequest`,
    and its migration history keep their names, so nothing is migrated."""

    name = "clausier.apikit"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Idempotency keys are kept seven days, then forgotten (docs/api.md).
        register(Job("idempotency keys purge", 3600.0, "clausier.apikit.idempotency.purge_expired"))
