"""Coaching delivery (coaching art. 6.1, 10.1, 10.3, 15, 28): the plan's delivery terms,
coaches and their availability, collaborators enrolled on a subscription, sessions and
their participants, the allowance ledger, JaaS rooms and webhooks, written deliverables.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clausier.core.fields import EncryptedTextField


class PlanDelivery(models.Model):
    """What a plan delivers besides its price: the session count lives on `Plan`
    (`session_allowance`, sessions per annual period); group size and length live here,
    so that billing stays unaware of how sessions are held."""

    plan = models.OneToOneField(
        "billing.Plan", on_delete=models.CASCADE, related_name="coaching_delivery"
    )
    max_participants = models.PositiveIntegerField(
        _("participants par séance"),
        default=1,
        help_text=_("1 : séances individuelles ; plus : séances de groupe (Kommunity)."),
    )
    session_minutes = models.PositiveIntegerField(_("durée d'une séance (minutes)"), default=60)

    class Meta:
        verbose_name = _("conditions de séances d'une formule")
        verbose_name_plural = _("conditions de séances des formules")

    def __str__(self) -> str:
        return str(self.plan)


class Coach(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="coaches"
    )
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="coach_profiles"
    )
    time_zone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")
    slot_minutes = models.PositiveIntegerField(_("durée d'un créneau (minutes)"), default=60)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("coach")
        verbose_name_plural = _("coachs")
        constraints = [
            models.UniqueConstraint(fields=["provider", "person"], name="coach_once_per_provider")
        ]

    def __str__(self) -> str:
        return self.person.full_name or self.person.email


class WeeklySlot(models.Model):
    """A recurring weekly availability, in the coach's time zone (wall-clock times)."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="weekly_slots")
    weekday = models.PositiveSmallIntegerField(_("jour (0 = lundi)"))
    starts = models.TimeField(_("de"))
    ends = models.TimeField(_("à"))

    class Meta:
        verbose_name = _("disponibilité hebdomadaire")
        verbose_name_plural = _("disponibilités hebdomadaires")
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_slot_weekday"),
            models.CheckConstraint(
                condition=Q(starts__lt=models.F("ends")), name="weekly_slot_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coach} {self.weekday} {self.starts}-{self.ends}"


class AvailabilityException(models.Model):
    """A one-off change: unavailable (holiday, absence) or an extra opening."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="exceptions")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    available = models.BooleanField(_("ouverture supplémentaire"), default=False)
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exception de disponibilité")
        verbose_name_plural = _("exceptions de disponibilité")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="availability_exception_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coach} {self.starts_at:%Y-%m-%d %H:%M}"


class Enrolment(models.Model):
    """A collaborator the client admin assigned to a coaching subscription."""

    subscription = models.ForeignKey(
        "billing.Subscription", on_delete=models.CASCADE, related_name="coaching_enrolments"
    )
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="coaching_enrolments"
    )
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)

    class Meta:
        verbose_name = _("collaborateur inscrit")
        verbose_name_plural = _("collaborateurs inscrits")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "person"], name="enrolment_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.subscription}"


class SessionStatus(models.TextChoices):
    BOOKED = "booked", _("réservée")
    HELD = "held", _("tenue")
    CANCELLED = "cancelled", _("annulée")
    POSTPONED = "postponed", _("reportée")


ACTIVE_STATUSES = (SessionStatus.BOOKED, SessionStatus.HELD)


class CoachingSession(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="coaching_sessions"
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.CASCADE, related_name="coaching_sessions"
    )
    subscription = models.ForeignKey(
        "billing.Subscription", on_delete=models.PROTECT, related_name="coaching_sessions"
    )
    coach = models.ForeignKey(Coach, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveIntegerField(_("places"), default=1)
    status = models.CharField(
        _("statut"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.BOOKED
    )
    # The annual period (art. 10.1) whose allowance the session uses.
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    # The session this one replaces (a postponement): one change per session (art. 10.1).
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    changed_at = models.DateTimeField(_("modifiée le"), null=True, blank=True)
    change_clause = models.CharField(_("clause"), max_length=200, blank=True)
    change_in_time = models.BooleanField(_("changement dans le délai"), null=True)
    force_majeure = models.BooleanField(_("force majeure du prestataire"), default=False)
    # iCalendar identity: one UID for the booking's life, SEQUENCE bumped on each change.
    ical_uid = models.CharField(max_length=120, unique=True)
    ical_sequence = models.PositiveIntegerField(default=0)
    room_name = models.CharField(_("salle"), max_length=120, unique=True)
    booked_by = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("réservée le"), default=timezone.now)
    reminded_24h_at = models.DateTimeField(null=True, blank=True)
    reminded_1h_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at", "id"]
        constraints = [
            # The database's own guard against a double booking of a coach at one start.
            models.UniqueConstraint(
                fields=["coach", "starts_at"],
                condition=Q(status__in=["booked", "held"]),
                name="coach_one_session_per_start",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="session_order"
            ),
        ]
        indexes = [
            models.Index(fields=["coach", "status", "starts_at"], name="coach_agenda"),
            # The free-slot search (availability._busy): sessions still running after the
            # window opens, read from the index alone (bench/coaching.py).
            models.Index(fields=["coach", "ends_at", "starts_at", "status"], name="coach_busy"),
        ]

    def __str__(self) -> str:
        return f"{self.coach} {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("inconnue")
    PRESENT = "present", _("présent")
    ABSENT = "absent", _("absent")


class Participant(models.Model):
    session = models.ForeignKey(
        CoachingSession, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="coaching_participations"
    )
    attendance = models.CharField(
        _("présence"), max_length=16, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attended_seconds = models.PositiveIntegerField(_("durée de présence (s)"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("coaching session", "participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.session}"


class LedgerKind(models.TextChoices):
    GRANTED = "granted", _("accordées")
    BOOKED = "booked", _("réservée")
    HELD = "held", _("tenue")
    RETURNED = "returned", _("annulée à temps (rendue)")
    CONSUMED = "consumed", _("annulée tard ou absence (consommée)")
    FORCE_MAJEURE = "force_majeure", _("annulée par le prestataire, force majeure (rendue)")
    CREDITED = "credited", _("recréditée après signalement d'un problème (rendue)")


class LedgerEntry(models.Model):
    """One movement of a subscription's session allowance for one annual period.

    The remaining allowance is the sum of `delta`: granted +N, booked -1, returned +1
    (in time or force majeure); held and consumed only record what became of a booking.
    """

    subscription = models.ForeignKey(
        "billing.Subscription", on_delete=models.CASCADE, related_name="coaching_ledger"
    )
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    kind = models.CharField(_("mouvement"), max_length=16, choices=LedgerKind.choices)
    delta = models.IntegerField(_("séances"))
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    clause = models.CharField(_("clause"), max_length=200)
    at = models.DateTimeField(_("le"))

    class Meta:
        verbose_name = _("mouvement de séances")
        verbose_name_plural = _("mouvements de séances")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_start"],
                condition=Q(kind="granted"),
                name="ledger_granted_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=Q(participant__isnull=False),
                name="ledger_one_movement_of_a_kind_per_seat",
            ),
        ]
        indexes = [models.Index(fields=["subscription", "period_start"], name="ledger_period")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_start} {self.kind} {self.delta:+d}"


class JaasConfig(models.Model):
    """A provider's 8x8 JaaS account: the AppID, the API key id and its private key,
    the webhook secret (art. 6: sessions are held on the provider's video platform)."""

    provider = models.OneToOneField(
        "accounts.Provider", on_delete=models.CASCADE, related_name="jaas_config"
    )
    app_id = models.CharField(_("AppID"), max_length=120)
    key_id = models.CharField(_("identifiant de clé (kid)"), max_length=240)
    private_key = EncryptedTextField(_("clé privée (PEM)"))
    webhook_secret = EncryptedTextField(_("secret des webhooks"), blank=True)

    class Meta:
        verbose_name = _("configuration JaaS")
        verbose_name_plural = _("configurations JaaS")

    def __str__(self) -> str:
        return self.app_id


class JaasEvent(models.Model):
    """A webhook received once (its `idempotencyKey`), kept to recompute attendance."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=200)
    event_type = models.CharField(max_length=64)
    room_name = models.CharField(max_length=200, db_index=True)
    participant_email = models.CharField(max_length=254, blank=True)
    participant_key = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "idempotency_key"], name="jaas_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.room_name}"


class Deliverable(models.Model):
    """A written deliverable a coach posts (art. 15): deemed conforming unless the client
    records a reservation within two days."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.CASCADE, related_name="deliverables"
    )
    subscription = models.ForeignKey(
        "billing.Subscription", on_delete=models.PROTECT, related_name="deliverables"
    )
    session = models.ForeignKey(
        CoachingSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("contenu"), blank=True)
    posted_by = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("remis le"))
    reservation = models.TextField(_("réserve"), blank=True)
    reserved_at = models.DateTimeField(_("réserve émise le"), null=True, blank=True)
    reserved_by = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("livrable écrit")
        verbose_name_plural = _("livrables écrits")
        ordering = ["-posted_at"]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A person's private iCal feed: the URL carries a token we keep only hashed."""

    person = models.OneToOneField(
        "accounts.Person", on_delete=models.CASCADE, related_name="coaching_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("flux iCal")
        verbose_name_plural = _("flux iCal")

    def __str__(self) -> str:
        return str(self.person)


class InterruptionKind(models.TextChoices):
    OUTAGE = "outage", _("panne")
    MAINTENANCE = "maintenance", _("maintenance")


class ServiceInterruption(models.Model):
    """An interruption of the application recorded by the provider: a malfunction (art. 7.3,
    to fix within 48 business hours) or a maintenance (art. 7.4, announced 48 hours ahead).
    Either extends training access by its duration (`access.training_extension`)."""

    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="service_interruptions"
    )
    kind = models.CharField(_("nature"), max_length=16, choices=InterruptionKind.choices)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)  # None: not fixed yet
    announced_at = models.DateTimeField(_("annoncée le"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # What was unavailable (the whole application, the video rooms, the module player...)
    # and why: staff say it when they record the interruption (art. 7.3, 7.4).
    scope = models.CharField(_("périmètre"), max_length=200, blank=True)
    cause = models.CharField(_("cause"), max_length=300, blank=True)
    # Art. 7.4 "s'efforcera de prévenir 48 heures à l'avance": a shorter notice only for an
    # urgent maintenance, said so when it is scheduled.
    emergency = models.BooleanField(_("urgence"), default=False)
    recorded_by = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    # A maintenance called off before it starts: it interrupts nothing, extends nothing, and
    # the people told of it are told it is cancelled.
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "accounts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("motif de l'annulation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("interruption du service")
        verbose_name_plural = _("interruptions du service")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__lt=models.F("ends_at")),
                name="interruption_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M}"


class ProblemKind(models.TextChoices):
    COACH_ABSENT = "coach_absent", _("le coach ne s'est pas présenté")
    VIDEO = "video", _("panne de la vidéo ou de la salle")
    OTHER = "other", _("autre problème technique")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("à examiner")
    UPHELD = "upheld", _("fondé : séance recréditée")
    REJECTED = "rejected", _("non fondé")


class ProblemReport(models.Model):
    """A problem with a session reported by the client's side within 24 hours (art. 7.2.4),
    reviewed by the provider's staff; upheld, the session's seats are credited back."""

    session = models.ForeignKey(
        CoachingSession, on_delete=models.PROTECT, related_name="problem_reports"
    )
    reporter = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    kind = models.CharField(_("problème"), max_length=16, choices=ProblemKind.choices)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    reported_at = models.DateTimeField(_("signalé le"))
    deadline = models.DateTimeField(_("à signaler avant"))
    clause = models.CharField(_("clause"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    resolution = models.CharField(_("décision"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement d'un problème")
        verbose_name_plural = _("signalements de problèmes")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.session_id}"


class RequestKind(models.TextChoices):
    CANCEL = "cancel", _("annulation")
    UNSPECIFIED = "unspecified", _("à préciser (annulation ou report)")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("à traiter")
    APPLIED = "applied", _("appliquée")
    DISMISSED = "dismissed", _("écartée")


class ChangeRequest(models.Model):
    """A participant (or the client's administrator) asks by e-mail to cancel or postpone
    a session (art. 10.1: "en informant le prestataire 48 heures avant par e-mail"; art.
    10.3: "par mail à l'expert concerné"). The coach or the provider's staff apply it
    through the same services as the app's buttons, the 48-hour notice judged at
    `received_at`, or dismiss it with a reason."""

    session = models.ForeignKey(
        CoachingSession,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("séance"),
    )
    sender = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    # When our system received the message (the ingest's `now`), never its Date header:
    # the sender writes that header and could date a late request back to be in time.
    received_at = models.DateTimeField(_("reçue le"))
    kind = models.CharField(_("demande"), max_length=16, choices=RequestKind.choices)
    subject = models.CharField(pgettext_lazy("e-mail", "objet"), max_length=250, blank=True)
    text = models.TextField(_("texte"), max_length=4000, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decision = models.CharField(_("décision"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de changement par e-mail")
        verbose_name_plural = _("demandes de changement par e-mail")
        ordering = ["-received_at", "-id"]
        constraints = [
            # One row per message: an MTA that delivers twice records it once.
            models.UniqueConstraint(
                fields=["session", "message_id"],
                condition=~Q(message_id=""),
                name="change_request_once_per_message",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.session_id}"
