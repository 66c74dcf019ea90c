"""Content and discussion spaces (coaching art. 6.1): the provider's library, discussion spaces,
chat, challenges, validated uploads served with authorization.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core.navigation import NavItem
from clausier.core.navigation import register as register_nav
from clausier.core.scheduler import Job
from clausier.core.scheduler import register as register_job
from clausier.notify.templates import register_template


class ContentConfig(AppConfig):
    name = "clausier.content"
    label = "content"
    verbose_name = _("Contenus")

    def ready(self) -> None:
        menu = "clausier.content.selectors.menu_"
        for key, label, order in (
            ("library", _("Bibliothèque"), 60),
            ("spaces", _("Espaces"), 61),
            ("challenges", _("Défis"), 62),
        ):
            register_nav(
                NavItem(f"content.{key}", label, f"portal:content_{key}", order, menu + key)
            )
        # Hourly; each person gets at most one digest a day (services.DIGEST_EVERY).
        register_job(Job("content digests", 3600.0, "clausier.content.tasks.send_digests"))
        register_template("content_post", frozenset({"provider", "space", "author", "excerpt"}))
        register_template("content_digest", frozenset({"spaces", "total"}))
