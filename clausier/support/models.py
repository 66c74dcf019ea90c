"""The support desk's rows (managed hosting art. 3.3, 3.4, 5, 14).

Deadlines are stored columns (`Ticket.ack_due_at`, `EmergencyRequest.gti_due_at`) so that
the staff queue sorts by the next breach with an index, and so that a worker can claim
rows with a conditional UPDATE. Each deadline keeps the clause it comes from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    NEW = "new", _("nouveau")
    OPEN = "open", _("en cours")
    WAITING_CLIENT = "waiting_client", _("en attente du client")
    WAITING_THIRD_PARTY = "waiting_third_party", _("en attente d'un tiers")
    RESOLVED = "resolved", _("résolu")
    CLOSED = "closed", _("fermé")


# The clock stops while the provider waits on someone else (art. 5: the client's answer,
# a third party's part); a resolved or closed ticket has no clock at all.
PAUSING_STATUSES = frozenset({TicketStatus.WAITING_CLIENT, TicketStatus.WAITING_THIRD_PARTY})
CLOSED_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})


class Channel(models.TextChoices):
    PORTAL = "portal", _("portail")
    API = "api", _("API")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("téléphone")


class Ticket(models.Model):
    provider = models.ForeignKey("accounts.Provider", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.PROTECT, related_name="support_tickets"
    )
    server = models.ForeignKey(
        "monitoring.ManagedServer",
        on_delete=models.PROTECT,
        related_name="support_tickets",
        null=True,
        blank=True,
    )
    subject = models.CharField(_("objet"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=24, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingénieur"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requester_email = models.EmailField(_("e-mail du demandeur"), blank=True)
    # Art. 3.3: help with the client's own software is outside the support; answered by a quote.
    out_of_scope = models.BooleanField(_("hors périmètre"), default=False)
    received_at = models.DateTimeField(_("reçu le"))
    ack_due_at = models.DateTimeField(_("prise en compte due le"))
    ack_clause = models.CharField(_("clause"), max_length=200)
    acknowledged_at = models.DateTimeField(_("pris en compte le"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when the ticket is solved or closed, cleared when it reopens (monthly report).
    closed_at = models.DateTimeField(_("résolu le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["provider", "acknowledged_at", "ack_due_at"], name="ticket_queue"),
            models.Index(fields=["client", "received_at"], name="ticket_client"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        """The number threaded mail carries in its subject ("[#T-42]")."""
        return f"T-{self.pk}"


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_email = models.EmailField(_("e-mail de l'auteur"), blank=True)
    from_staff = models.BooleanField(_("du prestataire"), default=False)
    body = models.TextField(_("message"))
    # Internal notes are for the provider's staff only: never shown to the client.
    internal = models.BooleanField(_("note interne"), default=False)
    # An automatic message (auto-reply, bounce, out-of-office) never counts as a response.
    human = models.BooleanField(_("écrit par une personne"), default=True)
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("écrit le"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.body[:40]}"


class Attachment(models.Model):
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    # Relative to SUPPORT_ATTACHMENTS_DIR, outside any served folder: read only by the view.
    stored_name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(_("déposé le"))

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")

    def __str__(self) -> str:
        return self.filename


class PauseReason(models.TextChoices):
    # Art. 14: neither counts in the GTR.
    THIRD_PARTY_PARTS = "third_party_parts", _("remplacement de pièces par un tiers")
    BACKUP_RESTORE = "backup_restore", _("restauration des sauvegardes")


class FaultKind(models.TextChoices):
    # Art. 5: "une fausse manœuvre du client"; art. 7: "du fait du Client".
    CLIENT_MISTAKE = "client_mistake", _("fausse manœuvre du client")
    # Art. 5: "une cause non imputable aux serveurs maintenus"; art. 7: "un autre produit".
    NOT_THE_SERVERS = "not_servers", _("cause non imputable aux serveurs maintenus")


class EmergencyRequest(models.Model):
    """An emergency request (art. 3.3, 5) and the intervention that answers it."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.PROTECT, related_name="emergencies"
    )
    server = models.ForeignKey(
        "monitoring.ManagedServer", on_delete=models.PROTECT, related_name="emergencies"
    )
    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, related_name="emergency", null=True, blank=True
    )
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    description = models.TextField(_("description"))
    blocking = models.BooleanField(_("panne bloquante"), default=True)
    # The clock starts at contact: the call's time for a phone request, not its logging.
    contacted_at = models.DateTimeField(_("contacté le"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A phone request must be confirmed in writing (portal or reply); others are written.
    confirmed_at = models.DateTimeField(_("confirmé par écrit le"), null=True, blank=True)
    gti_due_at = models.DateTimeField(_("intervention due le"))
    gti_in_office_hours = models.BooleanField(_("en heures ouvrées"))
    gti_clause = models.CharField(_("clause"), max_length=200)
    # Art. 8.1: the number of this emergency in the server's contract year, and its quota.
    year_start = models.DateField(_("début de l'année contractuelle"))
    year_end = models.DateField(_("fin de l'année contractuelle"))
    number_in_year = models.PositiveIntegerField(_("rang dans l'année"))
    within_quota = models.BooleanField(_("dans le forfait"))
    started_at = models.DateTimeField(_("intervention commencée le"), null=True, blank=True)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restored_at = models.DateTimeField(_("service rétabli le"), null=True, blank=True)
    ended_at = models.DateTimeField(_("intervention terminée le"), null=True, blank=True)
    worked_minutes = models.PositiveIntegerField(_("temps passé (minutes)"), null=True, blank=True)
    # Art. 5 "Panne non imputable au serveur", art. 7 (du fait du Client): the cause found,
    # when the client was told, and what it changes (no GTR credit, billable time).
    fault = models.CharField(_("cause"), max_length=16, choices=FaultKind.choices, blank=True)
    fault_note = models.CharField(_("constat"), max_length=500, blank=True)
    fault_informed_at = models.DateTimeField(_("client informé le"), null=True, blank=True)
    # Art. 5 "Support": outside office hours, billable only after the client accepts.
    out_of_hours = models.BooleanField(_("hors heures ouvrées"), default=False)
    out_of_hours_accepted_at = models.DateTimeField(
        _("facturation hors heures acceptée le"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("demande d'intervention urgente")
        verbose_name_plural = _("demandes d'intervention urgente")
        ordering = ["-contacted_at", "-pk"]
        indexes = [
            models.Index(fields=["server", "contacted_at"], name="emergency_server"),
            models.Index(fields=["provider", "started_at", "gti_due_at"], name="emergency_queue"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The intervention's name on quotes and invoice lines."""
        return f"U-{self.pk}"


class InterventionPause(models.Model):
    request = models.ForeignKey(EmergencyRequest, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("motif"), max_length=24, choices=PauseReason.choices)
    started_at = models.DateTimeField(_("début"))
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("pause d'intervention")
        verbose_name_plural = _("pauses d'intervention")
        ordering = ["started_at", "pk"]
        constraints = [
            # One open pause at a time per intervention.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(ended_at__isnull=True),
                name="support_one_open_pause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.reason}"


class CreditKind(models.TextChoices):
    GTI = "gti", _("GTI")
    GTR = "gtr", _("GTR")


class ServerCredit(models.Model):
    """One GTI or GTR credit of one intervention, once capped for its server and month.

    Unique per (request, kind): the month-end job run twice issues nothing new. `granted`
    is what fits under the server's monthly fee (art. 14) and went to billing.
    """

    request = models.ForeignKey(EmergencyRequest, on_delete=models.PROTECT, related_name="credits")
    server = models.ForeignKey(
        "monitoring.ManagedServer", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("garantie"), max_length=4, choices=CreditKind.choices)
    month = models.DateField(_("mois"))
    computed = models.DecimalField(_("crédit calculé"), max_digits=14, decimal_places=2)
    granted = models.DecimalField(_("crédit accordé"), max_digits=14, decimal_places=2)
    clause = models.CharField(_("clause"), max_length=200)
    sla_credit = models.ForeignKey(
        "billing.SlaCredit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"))

    class Meta:
        verbose_name = _("crédit de service d'une intervention")
        verbose_name_plural = _("crédits de service des interventions")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="support_credit_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.granted}"


class AdviceSession(models.Model):
    """Advice time used (art. 3.4): 30 minutes per managed server per month, cumulative."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.PROTECT, related_name="advice_sessions"
    )
    server = models.ForeignKey(
        "monitoring.ManagedServer", on_delete=models.PROTECT, related_name="advice_sessions"
    )
    held_at = models.DateTimeField(_("tenue le"))
    minutes = models.PositiveIntegerField(_("durée (minutes)"))
    note = models.CharField(_("objet"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"))

    class Meta:
        verbose_name = _("séance de conseil")
        verbose_name_plural = _("séances de conseil")
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.server_id} {self.minutes} min"


class MailBounce(models.Model):
    """One polite bounce per unknown sender per day at most (loop prevention)."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="+")
    sender = models.EmailField()
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "sender", "day"], name="support_bounce_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender} {self.day}"


class InterventionPlan(models.Model):
    """An intervention that immobilises the system, whose date is agreed with the client
    (art. 5: "leurs dates seraient fixées d'un commun accord"): staff propose slots, the
    client accepts one."""

    provider = models.ForeignKey("accounts.Provider", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.PROTECT, related_name="intervention_plans"
    )
    server = models.ForeignKey(
        "monitoring.ManagedServer", on_delete=models.PROTECT, related_name="intervention_plans"
    )
    description = models.TextField(_("travaux prévus"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposé le"))
    clause = models.CharField(_("clause"), max_length=200)
    accepted_slot = models.OneToOneField(
        "PlanSlot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("date convenue le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Art. 5 "Support": an out-of-hours slot is accepted together with its possible bill.
    out_of_hours_accepted = models.BooleanField(_("hors heures ouvrées accepté"), default=False)

    class Meta:
        verbose_name = _("intervention planifiée")
        verbose_name_plural = _("interventions planifiées")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"P-{self.pk}"


class PlanSlot(models.Model):
    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    out_of_hours = models.BooleanField(_("hors heures ouvrées"))

    class Meta:
        verbose_name = _("créneau proposé")
        verbose_name_plural = _("créneaux proposés")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.starts_at:%Y-%m-%d %H:%M}"


class ContactHours(models.TextChoices):
    ALWAYS = "always", _("24 h/24, 7 j/7")
    OFFICE = "office", _("heures ouvrées")


class EscalationContact(models.Model):
    """One rung of the provider's escalation list, given to its clients (managed hosting
    art. 5: "une liste de mail et de numéros de téléphone en escalade est fournie au
    client"; "une liste de numéros de téléphone d'urgence"). Replaced as a whole by
    `escalation.replace_list`, in order."""

    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.CASCADE, related_name="escalation_contacts"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    name = models.CharField(_("nom ou fonction"), max_length=120)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.CharField(
        _("joignable"), max_length=8, choices=ContactHours.choices, default=ContactHours.ALWAYS
    )

    class Meta:
        verbose_name = _("contact d'escalade")
        verbose_name_plural = _("contacts d'escalade")
        ordering = ["provider", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "position"], name="support_escalation_position_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(phone="") | ~models.Q(email=""),
                name="support_escalation_phone_or_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
