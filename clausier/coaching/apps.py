from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core import navigation, scheduler
from clausier.notify.templates import register_template


class CoachingConfig(AppConfig):
    name = "clausier.coaching"
    label = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        for key, label, url_name, order in (
            ("coaching.sessions", _("Séances"), "portal:coaching_sessions", 40),
            ("coaching.coach", _("Agenda coach"), "portal:coaching_coach", 41),
            ("coaching.team", _("Séances de l'équipe"), "portal:coaching_team", 42),
            ("coaching.calendar", _("Agenda"), "portal:coaching_calendar", 43),
            ("coaching.problems", _("Signalements"), "portal:coaching_problems", 44),
            ("coaching.requests", _("Demandes par e-mail"), "portal:coaching_requests", 45),
        ):
            predicate = f"clausier.coaching.selectors.menu_{key.split('.')[1]}"
            navigation.register(navigation.NavItem(key, label, url_name, order, predicate))
        # A change asked by e-mail: the coach is told, the sender gets the reception time.
        common = {"session_ref", "provider", "label", "starts_at", "received_at", "clause"}
        register_template("change_request_to_coach", frozenset(common | {"sender", "text", "url"}))
        register_template("change_request_received", frozenset(common | {"coach"}))
        # Reminders 24 h and 1 h before; sessions whose room closed are held or no-shows.
        scheduler.register(
            scheduler.Job("coaching reminders", 300.0, "clausier.coaching.notices.send_reminders")
        )
        scheduler.register(
            scheduler.Job(
                "coaching allowance expiring",
                3600.0,
                "clausier.coaching.notices.send_period_end_reminders",
            )
        )
        scheduler.register(
            scheduler.Job(
                "coaching sessions closed",
                600.0,
                "clausier.coaching.services.close_finished_sessions",
            )
        )
