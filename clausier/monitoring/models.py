"""The monitoring app's models.

`ManagedServer` is the unit of the managed-hosting contract: monitoring watches it (art.
3.2), support counts its emergencies and advice time against it (art. 3.3, 3.4, 5), and its
share of the monthly fee caps the service credits of the month (art. 14).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.core.fields import EncryptedTextField
from clausier.monitoring.checks import CHECK_KINDS, CheckError, validate_params


class ManagedServer(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.PROTECT, related_name="managed_servers"
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.PROTECT, related_name="managed_servers"
    )
    # The subscription whose monthly fee covers this server (caps its credits, art. 14).
    subscription = models.ForeignKey(
        "billing.Subscription",
        on_delete=models.PROTECT,
        related_name="managed_servers",
        null=True,
        blank=True,
    )
    name = models.CharField(_("nom"), max_length=120)
    address = models.CharField(_("adresse (nom DNS ou IP)"), max_length=255)
    monthly_fee_ht = models.DecimalField(
        _("part de la redevance mensuelle HT"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    # GTR applies only to a server whose full backup is managed by the provider (art. 5).
    full_backup = models.BooleanField(_("option sauvegarde complète"), default=False)
    # Availability credits apply only to a server under a high-availability annex (art. 14).
    high_availability = models.BooleanField(_("annexe haute disponibilité"), default=False)
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # Credentials the checks use (art. 3.2), encrypted at rest; SNMP v2c or v3.
    snmp_port = models.PositiveIntegerField(_("port SNMP"), default=161)
    snmp_version = models.CharField(
        _("version SNMP"), max_length=2, choices=[("2c", "v2c"), ("3", "v3")], default="2c"
    )
    snmp_community = EncryptedTextField(_("communauté SNMP"), blank=True)
    snmp_user = models.CharField(_("utilisateur SNMP v3"), max_length=64, blank=True)
    snmp_auth_key = EncryptedTextField(_("clé d'authentification SNMP v3"), blank=True)
    snmp_priv_key = EncryptedTextField(_("clé de chiffrement SNMP v3"), blank=True)
    ssh_port = models.PositiveIntegerField(_("port SSH"), default=22)
    ssh_user = models.CharField(_("utilisateur SSH"), max_length=64, blank=True)
    ssh_private_key = EncryptedTextField(_("clé privée SSH"), blank=True)
    mysql_user = models.CharField(_("utilisateur MySQL"), max_length=64, default="root")
    mysql_password = EncryptedTextField(_("mot de passe MySQL"), blank=True)

    class Meta:
        verbose_name = _("serveur infogéré")
        verbose_name_plural = _("serveurs infogérés")
        ordering = ["client_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "name"], name="monitoring_server_name_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.address})"


class StateType(models.TextChoices):
    SOFT = "soft", _("provisoire (SOFT)")
    HARD = "hard", _("confirmé (HARD)")


class CheckStateValue(models.IntegerChoices):
    OK = 0, "OK"
    WARNING = 1, "WARNING"
    CRITICAL = 2, "CRITICAL"
    UNKNOWN = 3, "UNKNOWN"


class MonitoredService(models.Model):
    """One check of one server, configured as Icinga configures a service, with its
    current state (what Icinga keeps in its state file)."""

    server = models.ForeignKey(ManagedServer, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("nom"), max_length=80)
    kind = models.CharField(_("type de contrôle"), max_length=32, choices=CHECK_KINDS)
    # The probe's fields besides the host (thresholds, ports, URLs), validated per kind.
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    # The host check (Ping): when it is down the other services are unreachable.
    is_host_check = models.BooleanField(_("contrôle de l'hôte"), default=False)
    check_interval = models.PositiveIntegerField(
        _("intervalle (s)"), default=300, validators=[MinValueValidator(10)]
    )
    retry_interval = models.PositiveIntegerField(
        _("intervalle de nouvel essai (s)"), default=60, validators=[MinValueValidator(5)]
    )
    max_check_attempts = models.PositiveSmallIntegerField(
        _("essais avant confirmation"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    # Art. 3.2: in HNO only the critical services (HTTP, Ping) are escalated.
    escalate_in_hno = models.BooleanField(_("escalade hors heures ouvrées"), default=False)
    # Re-notify a HARD problem every N minutes while unacknowledged (Icinga's notification
    # `interval`); empty: the provider's setting (MonitoringPolicy); 0: never.
    renotify_minutes = models.PositiveIntegerField(
        _("renvoi de l'alerte toutes les (min)"), null=True, blank=True
    )
    enabled = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    state = models.PositiveSmallIntegerField(
        _("état"), choices=CheckStateValue.choices, default=CheckStateValue.OK
    )
    state_type = models.CharField(
        _("type d'état"), max_length=4, choices=StateType.choices, default=StateType.HARD
    )
    attempt = models.PositiveSmallIntegerField(_("essai"), default=1)
    last_hard_state = models.PositiveSmallIntegerField(
        _("dernier état confirmé"), choices=CheckStateValue.choices, default=CheckStateValue.OK
    )
    has_result = models.BooleanField(_("déjà contrôlé"), default=False)
    output = models.TextField(_("dernier résultat"), blank=True)
    perfdata = models.TextField(_("données de performance"), blank=True)
    last_check_at = models.DateTimeField(_("dernier contrôle"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("prochain contrôle"), null=True, blank=True)
    last_state_change_at = models.DateTimeField(_("dernier changement"), null=True, blank=True)
    last_hard_change_at = models.DateTimeField(
        _("dernier changement confirmé"), null=True, blank=True
    )
    reachable = models.BooleanField(_("joignable"), default=True)
    flapping = models.BooleanField(_("instable (flapping)"), default=False)
    flap_buffer = models.PositiveIntegerField(default=0, editable=False)
    flap_index = models.PositiveSmallIntegerField(default=0, editable=False)
    flap_percent = models.FloatField(default=0.0, editable=False)
    # The open problem (its hard state change) while the last hard state is not OK.
    problem = models.ForeignKey(
        "StateChange",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("problème en cours"),
    )

    class Meta:
        verbose_name = _("service supervisé")
        verbose_name_plural = _("services supervisés")
        ordering = ["server_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["server", "name"], name="monitoring_service_name")
        ]
        indexes = [models.Index(fields=["enabled", "next_check_at"], name="monitoring_due")]

    def __str__(self) -> str:
        return f"{self.server.name} / {self.name}"

    def clean(self) -> None:
        super().clean()
        try:
            self.params = validate_params(self.kind, self.params)
        except CheckError as exc:
            raise ValidationError({"params": exc.message}) from exc
        if (
            self.retry_interval
            and self.check_interval
            and self.retry_interval > self.check_interval
        ):
            raise ValidationError(
                {"retry_interval": _("L'intervalle de nouvel essai dépasse l'intervalle normal.")}
            )


class StateChange(models.Model):
    """Every state change, soft and hard, with its output (Icinga DB's state_history).
    Hard changes are kept for the contract's life: availability is computed from them."""

    service = models.ForeignKey(
        MonitoredService, on_delete=models.CASCADE, related_name="state_changes"
    )
    at = models.DateTimeField(_("le"), db_index=True)
    state = models.PositiveSmallIntegerField(_("état"), choices=CheckStateValue.choices)
    state_type = models.CharField(_("type d'état"), max_length=4, choices=StateType.choices)
    attempt = models.PositiveSmallIntegerField(_("essai"))
    previous_state = models.PositiveSmallIntegerField(choices=CheckStateValue.choices)
    hard_state = models.PositiveSmallIntegerField(
        _("état confirmé"), choices=CheckStateValue.choices
    )
    previous_hard_state = models.PositiveSmallIntegerField(choices=CheckStateValue.choices)
    hard = models.BooleanField(_("changement confirmé"), default=False)
    reachable = models.BooleanField(_("joignable"), default=True)
    output = models.TextField(_("résultat"), blank=True)
    perfdata = models.TextField(_("données de performance"), blank=True)

    class Meta:
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")
        ordering = ["service_id", "at", "id"]
        indexes = [models.Index(fields=["service", "hard", "at"], name="monitoring_hard_history")]

    def __str__(self) -> str:
        return (
            f"{self.service_id} {self.get_state_display()} {self.state_type} @ {self.at:%Y-%m-%d}"
        )


# Raw results are kept this long (docs/monitoring.md, "Retention"); availability never
# reads them.
RAW_RESULT_RETENTION_HOURS = 48


class CheckResult(models.Model):
    service = models.ForeignKey(MonitoredService, on_delete=models.CASCADE, related_name="results")
    at = models.DateTimeField(_("le"), db_index=True)
    state = models.PositiveSmallIntegerField(_("état"), choices=CheckStateValue.choices)
    output = models.TextField(_("résultat"), blank=True)
    perfdata = models.TextField(_("données de performance"), blank=True)
    duration = models.FloatField(_("durée (s)"), default=0.0)
    # When the scheduler wanted it: lateness = at - scheduled_at (the jitter measured).
    scheduled_at = models.DateTimeField(_("prévu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("résultat de contrôle")
        verbose_name_plural = _("résultats de contrôle")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.service_id} {self.state} @ {self.at:%Y-%m-%d %H:%M:%S}"


class DowntimeKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("maintenance planifiée")
    ADHOC = "adhoc", _("arrêt ponctuel")


class Downtime(models.Model):
    """A period where alerts are suppressed (art. 6, 11); the whole server or one service."""

    server = models.ForeignKey(ManagedServer, on_delete=models.CASCADE, related_name="downtimes")
    service = models.ForeignKey(
        MonitoredService,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="downtimes",
        verbose_name=_("service (vide : tout le serveur)"),
    )
    kind = models.CharField(
        _("nature"), max_length=12, choices=DowntimeKind.choices, default=DowntimeKind.ADHOC
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    reason = models.CharField(_("motif"), max_length=300)
    author = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    # Set once the end has been processed (problems still present notified then).
    ended_processed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("arrêt programmé")
        verbose_name_plural = _("arrêts programmés")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="monitoring_downtime_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.server.name}: {self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%H:%M}"


class Acknowledgement(models.Model):
    """Provider staff took a HARD problem in hand: escalation stops (art. 3.2)."""

    service = models.ForeignKey(
        MonitoredService, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    problem = models.ForeignKey(
        StateChange, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    author = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("commentaire"))
    at = models.DateTimeField(_("le"))

    class Meta:
        verbose_name = _("prise en compte")
        verbose_name_plural = _("prises en compte")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["problem"], name="monitoring_one_ack_per_problem")
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.comment[:60]}"


class OnCallShift(models.Model):
    """Who is on call when, per provider (the escalation's recipients, art. 3.2)."""

    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="on_call_shifts"
    )
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    class Meta:
        verbose_name = _("astreinte")
        verbose_name_plural = _("astreintes")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="monitoring_shift_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%Y-%m-%d %H:%M}"


class AlertKind(models.TextChoices):
    PROBLEM = "problem", _("problème")
    RECOVERY = "recovery", _("rétablissement")
    FLAPPING_START = "flapping_start", _("début d'instabilité")
    FLAPPING_END = "flapping_end", _("fin d'instabilité")
    ESCALATION = "escalation", _("escalade")


class Alert(models.Model):
    """One notification decided by the monitor; its e-mails are outbox rows keyed on it."""

    service = models.ForeignKey(MonitoredService, on_delete=models.CASCADE, related_name="alerts")
    change = models.ForeignKey(StateChange, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("nature"), max_length=16, choices=AlertKind.choices)
    state = models.PositiveSmallIntegerField(_("état"), choices=CheckStateValue.choices)
    recipients = models.JSONField(_("destinataires"), default=list)
    clause = models.CharField(_("clause"), max_length=200)
    created_at = models.DateTimeField(_("créé le"))

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Nothing sent twice: one alert of a kind per state change.
            models.UniqueConstraint(fields=["change", "kind"], name="monitoring_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.service_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Escalation(models.Model):
    """A HARD problem's escalation to the on-call engineers, due 30 min after the hard
    change (HNO: HTTP and Ping only, the others at the next opening; art. 3.2)."""

    service = models.ForeignKey(
        MonitoredService, on_delete=models.CASCADE, related_name="escalations"
    )
    problem = models.OneToOneField(StateChange, on_delete=models.CASCADE, related_name="escalation")
    due_at = models.DateTimeField(_("échéance"), db_index=True)
    deferred = models.BooleanField(_("reportée à l'ouverture"), default=False)
    clause = models.CharField(_("clause"), max_length=200)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    suppressed_by = models.CharField(_("annulée par"), max_length=16, blank=True)
    recipients = models.JSONField(_("destinataires"), default=list)

    class Meta:
        verbose_name = _("escalade")
        verbose_name_plural = _("escalades")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.service_id} due {self.due_at:%Y-%m-%d %H:%M}"


class MonitorHeartbeat(models.Model):
    """A run of the monitor without a gap: extended at every tick, a new row after a gap.
    Time covered by no run is "no data" (docs/monitoring.md)."""

    started_at = models.DateTimeField(_("début"))
    last_beat_at = models.DateTimeField(_("dernier battement"), db_index=True)
    node = models.CharField(_("processus"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("battement du moniteur")
        verbose_name_plural = _("battements du moniteur")
        ordering = ["-last_beat_at"]

    def __str__(self) -> str:
        return f"{self.node} {self.started_at:%Y-%m-%d %H:%M} - {self.last_beat_at:%H:%M:%S}"


class AvailabilityReport(models.Model):
    """A month's availability of a server under an HA annex and the credit it gave."""

    server = models.ForeignKey(
        ManagedServer, on_delete=models.CASCADE, related_name="availability_reports"
    )
    month = models.DateField(_("mois"))
    percent = models.DecimalField(_("disponibilité (%)"), max_digits=7, decimal_places=4)
    no_data_seconds = models.PositiveIntegerField(_("sans données (s)"), default=0)
    credit_amount = models.DecimalField(
        _("crédit"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    clause = models.CharField(_("clause"), max_length=200, blank=True)
    details = models.JSONField(_("détail"), default=dict)
    created_at = models.DateTimeField(_("créé le"))

    class Meta:
        verbose_name = _("rapport de disponibilité")
        verbose_name_plural = _("rapports de disponibilité")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["server", "month"], name="monitoring_report_month")
        ]

    def __str__(self) -> str:
        return f"{self.server_id} {self.month:%Y-%m}: {self.percent} %"


class MaintenanceWindow(models.Model):
    """One of the client's two weekly 2-hour windows for a server (art. 6): a weekday and
    a wall-clock start in the contract's zone (see `monitoring.windows`)."""

    server = models.ForeignKey(
        ManagedServer, on_delete=models.CASCADE, related_name="maintenance_windows"
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), validators=[MaxValueValidator(6)])
    start = models.TimeField(_("début (heure locale)"))
    declared_by = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(_("déclarée le"))

    class Meta:
        verbose_name = _("plage de maintenance")
        verbose_name_plural = _("plages de maintenance")
        ordering = ["server_id", "weekday", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["server", "weekday", "start"], name="monitoring_window_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.server_id} {self.weekday} {self.start:%H:%M}"


class MonitoringPolicy(models.Model):
    """A provider's monitoring settings: the default re-notification interval."""

    provider = models.OneToOneField(
        "accounts.Provider", on_delete=models.CASCADE, related_name="monitoring_policy"
    )
    renotify_minutes = models.PositiveIntegerField(
        _("renvoi de l'alerte toutes les (min)"), null=True, blank=True
    )
    # Art. 3.2: the commands run over SSH for the weekly log report and the monthly
    # rootkit test (empty: the defaults of services.reports).
    log_report_command = models.CharField(
        _("commande du rapport hebdomadaire des logs"), max_length=500, blank=True
    )
    rootkit_command = models.CharField(
        _("commande du test chkrootkit mensuel"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("politique de supervision")
        verbose_name_plural = _("politiques de supervision")

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.renotify_minutes}"


class Renotification(models.Model):
    """The n-th reminder of an unacknowledged HARD problem (n = elapsed intervals since
    the problem alert): unique per problem and n, so a restart sends nothing twice."""

    service = models.ForeignKey(
        MonitoredService, on_delete=models.CASCADE, related_name="renotifications"
    )
    problem = models.ForeignKey(
        StateChange, on_delete=models.CASCADE, related_name="renotifications"
    )
    number = models.PositiveIntegerField(_("numéro"))
    recipients = models.JSONField(_("destinataires"), default=list)
    clause = models.CharField(_("clause"), max_length=200)
    created_at = models.DateTimeField(_("créé le"))

    class Meta:
        verbose_name = _("rappel d'alerte")
        verbose_name_plural = _("rappels d'alerte")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="monitoring_renotify_once")
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} #{self.number}"


class ReportKind(models.TextChoices):
    WEEKLY_LOGS = "weekly_logs", _("rapport hebdomadaire des logs")
    MONTHLY_ROOTKIT = "monthly_rootkit", _("test chkrootkit mensuel")


class ServerReport(models.Model):
    """A report collected over SSH (art. 3.2): the weekly log report or the monthly
    chkrootkit run, to be read by the provider's staff within its period."""

    server = models.ForeignKey(ManagedServer, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("nature"), max_length=16, choices=ReportKind.choices)
    period_start = models.DateField(_("période du"))
    # Read by then, or overdue (the period's end, contract zone).
    due_at = models.DateTimeField(_("à lire avant le"))
    command = models.CharField(_("commande exécutée"), max_length=500)
    collected_at = models.DateTimeField(_("collecté le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    exit_status = models.SmallIntegerField(_("code de sortie"), null=True, blank=True)
    output = models.TextField(_("sortie de la commande"), blank=True)
    error = models.TextField(_("erreur de collecte"), blank=True)
    findings = models.BooleanField(_("anomalies"), default=False)
    clause = models.CharField(_("clause"), max_length=200)
    read_at = models.DateTimeField(_("rapport lu le"), null=True, blank=True)
    read_by = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_comment = models.TextField(_("commentaire de lecture"), blank=True)

    class Meta:
        verbose_name = _("rapport de serveur")
        verbose_name_plural = _("rapports de serveur")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["server", "kind", "period_start"], name="monitoring_report_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.server_id} {self.kind} {self.period_start:%Y-%m-%d}"

    def overdue(self, now: datetime) -> bool:
        return self.read_at is None and now >= self.due_at
