from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TermsConfig(AppConfig):
    name = "clausier.terms"
    label = "terms"
    verbose_name = _("Conditions générales")

    def ready(self) -> None:
        from clausier.notify.preferences import (  # noqa: PLC0415 - needs the models loaded
            NoticeKind,
            register_notice,
        )

        register_notice(
            NoticeKind(
                "terms_published",
                _("Publication de nouvelles conditions générales"),
                mandatory=True,
                order=70,
                why=_(
                    "Avis légal : toute nouvelle version des conditions générales vous est "
                    "notifiée (infogérance, art. 11)."
                ),
            )
        )
