from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "clausier.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        # The sessions page's records (clausier.accounts.sessions); imported here, once
        # the models are loaded.
        from clausier.accounts import sessions  # noqa: PLC0415

        user_logged_in.connect(sessions.record_login, dispatch_uid="accounts.record_login")
        user_logged_out.connect(sessions.forget_logout, dispatch_uid="accounts.forget_logout")
