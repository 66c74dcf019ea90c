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
        register_nav(NavItem("content.library", _("Bibliothèque"), "portal:content_library", 60))
        register_nav(NavItem("content.spaces", _("Espaces"), "portal:content_spaces", 61))
        register_nav(NavItem("content.challenges", _("Défis"), "portal:content_challenges", 62))
        # Hourly; each person gets at most one digest a day (services.DIGEST_EVERY).
        register_job(Job("content digests", 3600.0, "clausier.content.tasks.send_digests"))
        register_template("content_post", frozenset({"provider", "space", "author", "excerpt"}))
        register_template("content_digest", frozenset({"spaces", "total"}))
