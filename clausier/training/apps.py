"""Trainings and OPCO funding (coaching art. 7.2.1, 7.3, 7.4, 8.1.1, 8.1.2, 8.2.4, 10.2):
catalogue, sessions by half-day, enrolment, attendance evidence, certificates, split billing,
BPF.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from clausier.core.navigation import NavItem, register
from clausier.core.scheduler import Job
from clausier.core.scheduler import register as register_job
from clausier.notify.templates import register_template

CONVOCATION_CONTEXT = frozenset(
    {
        "provider",
        "title",
        "half_days",
        "hours",
        "place",
        "url",
        "programme",
        "prerequisites",
        "trainer",
        "clause",
    }
)


class TrainingConfig(AppConfig):
    name = "clausier.training"
    label = "training"
    verbose_name = _("Formations")

    def ready(self) -> None:
        register_template("training_convocation", CONVOCATION_CONTEXT)
        register_template("training_convocation_cancelled", CONVOCATION_CONTEXT)
        register_template(
            "training_evaluation",
            frozenset({"provider", "title", "kind", "url", "reminder", "clause"}),
            secret=frozenset({"url"}),
        )
        register_template(
            "maintenance_notice",
            frozenset({"provider", "starts_at", "ends_at", "scope", "emergency", "clause"}),
        )
        register_template(
            "maintenance_cancelled",
            frozenset({"provider", "starts_at", "ends_at", "scope", "reason", "clause"}),
        )
        register_job(Job("training evaluations", 3600.0, "clausier.training.evaluations.run"))
        register_job(
            Job("training first-day billing", 3600.0, "clausier.training.services.bill_first_days")
        )
        register(
            NavItem(
                "training.home",
                _("Formations"),
                "portal:training_home",
                order=60,
                visible="clausier.training.selectors.sees_trainings",
            )
        )
        register_job(
            Job(
                "training interruption extensions",
                3600.0,
                "clausier.training.interruptions.apply_interruptions",
            )
        )
        register(
            NavItem(
                "training.interruptions",
                _("Interruptions"),
                "portal:training_interruptions",
                order=62,
                visible="clausier.training.selectors.sees_interruptions",
            )
        )
        register(
            NavItem(
                "training.bpf",
                _("BPF"),
                "portal:training_bpf",
                order=61,
                visible="clausier.training.selectors.sees_bpf",
            )
        )
