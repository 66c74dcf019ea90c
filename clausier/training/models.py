"""Trainings, sessions by half-day, enrolments, attendance evidence, OPCO funding.

Coaching & training contract (seed 000): art. 7.2.1 (access for the ordered duration),
8.1.1 (paid by the client: due in full), 8.1.2 (participants, attendance and blended
learning condition the OPCO's funding), 8.2.4 (subrogation, agreement before the start,
the funder's non-payment), 10.2 (cancellations). See docs/training.md.

Every row hangs off a provider (`provider`), the client's rows off a client organisation
(`Quote.client`): `selectors.py` decides who sees what.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

HOURS = Decimal("0.01")


class Modality(models.TextChoices):
    REMOTE = "remote", _("à distance (synchrone)")
    BLENDED = "blended", _("mixte (blended learning)")
    ON_SITE = "on_site", _("en présentiel")


class Pricing(models.TextChoices):
    PER_PARTICIPANT = "per_participant", _("par participant")
    PER_GROUP = "per_group", _("par groupe")


class Nature(models.TextChoices):
    """The nature of the action, as the certificat de réalisation states it (L6313-1)."""

    TRAINING = "training", _("action de formation")
    SKILLS_ASSESSMENT = "skills_assessment", _("bilan de compétences")
    VAE = "vae", _("action de VAE")
    APPRENTICESHIP = "apprenticeship", _("action de formation par apprentissage")


class Training(models.Model):
    """A catalogue entry: what is taught, for how long, at what price."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("prestataire"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    objectives = models.TextField(_("objectifs"), blank=True)
    programme = models.TextField(_("programme"), blank=True)
    prerequisites = models.TextField(_("prérequis"), blank=True)
    duration_hours = models.DecimalField(_("durée (heures)"), max_digits=7, decimal_places=2)
    modality = models.CharField(
        _("modalité"), max_length=16, choices=Modality.choices, default=Modality.ON_SITE
    )
    nature = models.CharField(
        _("nature de l'action"), max_length=24, choices=Nature.choices, default=Nature.TRAINING
    )
    price_ht = models.DecimalField(_("prix HT"), max_digits=12, decimal_places=2)
    # Art. 7.2.1: access to the training's content lasts the duration ordered, counted
    # from the first half-day (the participant has it from enrolment for the modules).
    access_days = models.PositiveIntegerField(
        _("durée d'accès (jours après le début)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    pricing = models.CharField(
        _("tarification"), max_length=16, choices=Pricing.choices, default=Pricing.PER_PARTICIPANT
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_hours__gt=0), name="training_duration_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(price_ht__gte=0), name="training_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """An e-learning module of a training, played in our own module player (no SCORM)."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="modules", verbose_name=_("formation")
    )
    position = models.PositiveIntegerField(_("ordre"), default=1)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("contenu"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))

    class Meta:
        verbose_name = _("module e-learning")
        verbose_name_plural = _("modules e-learning")
        ordering = ["training", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.duration_minutes) / 60).quantize(HOURS)


class Trainer(models.Model):
    """A person who teaches for a provider and countersigns its attendance sheets."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="trainers",
        verbose_name=_("prestataire"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trainer_roles",
        verbose_name=_("personne"),
    )

    class Meta:
        verbose_name = _("formateur")
        verbose_name_plural = _("formateurs")
        constraints = [
            models.UniqueConstraint(fields=["provider", "person"], name="trainer_once_per_provider")
        ]

    def __str__(self) -> str:
        return self.person.full_name or self.person.email


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("programmée")
    CANCELLED = "cancelled", _("annulée")
    DONE = "done", _("terminée")


class TrainingSession(models.Model):
    """One run of a training: its trainer and its dated half-days."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("prestataire"),
    )
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("formation")
    )
    trainer = models.ForeignKey(
        Trainer,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("formateur"),
    )
    location = models.CharField(_("lieu"), max_length=200, blank=True)
    min_participants = models.PositiveIntegerField(_("participants minimum"), default=1)
    status = models.CharField(
        _("statut"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    # The convocations' iCalendar SEQUENCE (RFC 5545): raised on each change sent again.
    ical_sequence = models.PositiveIntegerField(_("version des convocations"), default=0)
    # The JaaS room of a remote or blended session: its join/leave events are the remote
    # half-days' attendance evidence (training.remote).
    room_name = models.CharField(_("salle de visioconférence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session de formation")
        verbose_name_plural = _("sessions de formation")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.training} #{self.pk}"


class HalfDay(models.TextChoices):
    AM = "am", _("matin")
    PM = "pm", _("après-midi")


class Slot(models.Model):
    """A half-day of a session: a date, morning or afternoon, and its times (aware)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="slots", verbose_name=_("session")
    )
    day = models.DateField(_("date"))
    half = models.CharField(_("demi-journée"), max_length=2, choices=HalfDay.choices)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demi-journée")
        verbose_name_plural = _("demi-journées")
        ordering = ["session", "day", "half"]
        constraints = [
            models.UniqueConstraint(fields=["session", "day", "half"], name="slot_once_per_half"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.half}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(HOURS)


class Payment(models.TextChoices):
    CLIENT = "client", _("réglée par le client (art. 8.1.1)")
    FUNDER = "funder", _("prise en charge par un OPCO (art. 8.1.2, 8.2.4)")


class QuoteStatus(models.TextChoices):
    ACCEPTED = "accepted", _("accepté")
    CANCELLED = "cancelled", _("annulé")
    BILLED = "billed", _("facturé")


class Settlement(models.TextChoices):
    REFUND = "refund", _("remboursement")
    CREDIT_NOTE = "credit_note", _("avoir")


class Quote(models.Model):
    """A client's order of a session for its participants (the devis)."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="training_quotes",
        verbose_name=_("prestataire"),
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="training_quotes",
        verbose_name=_("client"),
    )
    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("session")
    )
    price_ht = models.DecimalField(_("montant HT"), max_digits=12, decimal_places=2)
    payment = models.CharField(
        _("financement"), max_length=8, choices=Payment.choices, default=Payment.CLIENT
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.ACCEPTED
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancellation_clause = models.CharField(_("clause"), max_length=100, blank=True)
    cancellation_billed = models.BooleanField(_("annulation facturée"), default=False)
    settlement = models.CharField(
        _("règlement choisi"), max_length=16, choices=Settlement.choices, blank=True
    )
    funder_invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facture au financeur"),
    )
    client_invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facture au client"),
    )

    class Meta:
        verbose_name = _("devis de formation")
        verbose_name_plural = _("devis de formation")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.client} — {self.session}"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("inscrit")
    WITHDRAWN = "withdrawn", _("retiré")


class Enrolment(models.Model):
    """A participant (a person of the client) on a quote."""

    quote = models.ForeignKey(
        Quote, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("devis")
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
        verbose_name=pgettext_lazy("training", "participant"),
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    enrolled_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    # Art. 8.1.2: a change after the first slot is recorded as affecting the funding.
    affects_funding = models.BooleanField(_("affecte la prise en charge"), default=False)
    # The last convocation sent (its iCalendar SEQUENCE); null: never convoked.
    convoked_at = models.DateTimeField(_("convoqué le"), null=True, blank=True)
    convoked_sequence = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["quote", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "participant"],
                condition=models.Q(status="active"),
                name="enrolment_active_once_per_quote",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.quote.session}"


class Presence(models.TextChoices):
    PRESENT = "present", _("présent")
    PARTIAL = "partial", _("partiellement présent")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("absent excusé")


class Attendance(models.Model):
    """One participant on one half-day: the status the trainer validates."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("inscrit")
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("demi-journée")
    )
    status = models.CharField(_("présence"), max_length=16, choices=Presence.choices)
    minutes = models.PositiveIntegerField(_("minutes de présence"), default=0)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "slot"], name="attendance_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}@{self.slot_id}: {self.status}"


class RemoteInterval(models.Model):
    """One participant's connection to the session's video room during a remote half-day
    (from the JaaS webhook's join/leave events, clipped to the half-day), recorded when the
    trainer validates it: the attendance evidence of remote half-days (training.remote)."""

    slot = models.ForeignKey(
        Slot,
        on_delete=models.PROTECT,
        related_name="remote_intervals",
        verbose_name=_("demi-journée"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="remote_intervals",
        verbose_name=_("inscrit"),
    )
    joined_at = models.DateTimeField(_("connecté à"))
    left_at = models.DateTimeField(_("déconnecté à"))

    class Meta:
        verbose_name = _("connexion à distance")
        verbose_name_plural = _("connexions à distance")
        ordering = ["slot", "enrolment", "joined_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_at__gt=models.F("joined_at")),
                name="remote_interval_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}@{self.slot_id}: {self.joined_at:%H:%M}–{self.left_at:%H:%M}"


class SignerRole(models.TextChoices):
    PARTICIPANT = "participant", pgettext_lazy("training", "participant")
    TRAINER = "trainer", _("formateur")


class Signature(models.Model):
    """A signed record: who signed which half-day, when, from where; chained by hash.

    Append-only. `digest` is SHA-256 over the previous signature's digest of the same
    session and this record's canonical text: altering or removing one breaks the chain
    (`services.verify_chain`).
    """

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("session"),
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("demi-journée")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("inscrit"),
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_signatures",
        verbose_name=_("signataire"),
    )
    role = models.CharField(_("qualité"), max_length=16, choices=SignerRole.choices)
    signed_at = models.DateTimeField(_("signé le"))
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    statement = models.JSONField(_("contenu signé"), default=dict)
    previous_digest = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "enrolment", "role"], name="signature_once_per_slot_and_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.signer_id} {self.slot_id}"


class ModuleProgress(models.Model):
    """Time spent in one e-learning module and whether it was completed."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="progress", verbose_name=_("inscrit")
    )
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="progress", verbose_name=_("module")
    )
    minutes_spent = models.PositiveIntegerField(_("minutes passées"), default=0)
    completed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("progression e-learning")
        verbose_name_plural = _("progressions e-learning")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module"], name="progress_once_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.module_id}"


class FundingScheme(models.TextChoices):
    """The scheme (dispositif) an OPCO funds the action under: the BPF's lines C-2 a to h
    (cerfa 10443). A company's own staff trained at its request is the skills plan."""

    APPRENTICESHIP = "apprenticeship", _("contrat d'apprentissage")
    PROFESSIONALISATION = "professionalisation", _("contrat de professionnalisation")
    PRO_A = "pro_a", _("promotion ou reconversion par alternance (Pro-A)")
    TRANSITION = "transition", _("projet de transition professionnelle")
    CPF = "cpf", _("compte personnel de formation")
    JOBSEEKERS = "jobseekers", _("dispositif pour personnes en recherche d'emploi")
    SELF_EMPLOYED = "self_employed", _("dispositif pour travailleurs non salariés")
    SKILLS_PLAN = "skills_plan", _("plan de développement des compétences ou autre dispositif")


class FundingRequest(models.Model):
    """A request for funding of a quote to an OPCO, and its agreement once received."""

    quote = models.OneToOneField(
        Quote, on_delete=models.PROTECT, related_name="funding", verbose_name=_("devis")
    )
    funder = models.ForeignKey(
        "billing.Funder",
        on_delete=models.PROTECT,
        related_name="training_requests",
        verbose_name=_("financeur"),
    )
    file_number = models.CharField(_("n° de dossier"), max_length=100)
    scheme = models.CharField(
        _("dispositif"),
        max_length=24,
        choices=FundingScheme.choices,
        default=FundingScheme.SKILLS_PLAN,
    )
    amount_requested_ht = models.DecimalField(
        _("montant demandé HT"), max_digits=12, decimal_places=2
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    # The agreement (accord de prise en charge).
    agreement_reference = models.CharField(_("référence de l'accord"), max_length=100, blank=True)
    covered_ht = models.DecimalField(
        _("montant pris en charge HT"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    covered_hours = models.DecimalField(
        _("heures prises en charge"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    agreement_received_at = models.DateTimeField(_("accord reçu le"), null=True, blank=True)
    non_payment_at = models.DateTimeField(_("défaut de paiement le"), null=True, blank=True)
    # The OPCO's refusal (then art. 8.2.4: the whole training is due by the client).
    refused_at = models.DateTimeField(_("refus reçu le"), null=True, blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    fallback_invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facture au client après défaut du financeur"),
    )

    class Meta:
        verbose_name = _("demande de prise en charge")
        verbose_name_plural = _("demandes de prise en charge")

    def __str__(self) -> str:
        return self.file_number

    @property
    def has_agreement(self) -> bool:
        return self.agreement_received_at is not None


class DocumentKind(models.TextChoices):
    ATTENDANCE_SHEET = "attendance_sheet", _("feuille d'émargement")
    CERTIFICATE = "certificate", _("certificat de réalisation")


class TrainingDocument(models.Model):
    """A generated document kept as evidence: its file, its SHA-256, until when."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("session"),
    )
    kind = models.CharField(_("type"), max_length=24, choices=DocumentKind.choices)
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    hours = models.DecimalField(
        _("heures réalisées"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    path = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("créé le"))
    retain_until = models.DateField(_("conservé jusqu'au"))

    class Meta:
        verbose_name = _("document de formation")
        verbose_name_plural = _("documents de formation")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "slot"],
                condition=models.Q(kind="attendance_sheet"),
                name="one_sheet_per_slot",
            ),
            models.UniqueConstraint(
                fields=["kind", "enrolment"],
                condition=models.Q(kind="certificate"),
                name="one_certificate_per_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"


def first_start(session: TrainingSession) -> datetime | None:
    first = session.slots.order_by("starts_at").first()
    return None if first is None else first.starts_at


class OrganisationProfile(models.Model):
    """What a provider states as a training organisation on its certificates."""

    provider = models.OneToOneField(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="training_profile",
        verbose_name=_("prestataire"),
    )
    # Numéro de déclaration d'activité (Code du travail L6351-1), 11 digits.
    declaration_number = models.CharField(_("n° de déclaration d'activité"), max_length=11)
    signatory_name = models.CharField(_("signataire"), max_length=200)
    signatory_title = models.CharField(_("qualité du signataire"), max_length=200, blank=True)
    # The cold evaluation goes this many days after the last half-day (Qualiopi ind. 30).
    cold_evaluation_days = models.PositiveIntegerField(
        _("évaluation à froid après (jours)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # CGI art. 261-4-4° a: training exempt from VAT (the organisation holds the exemption).
    vat_exempt = models.BooleanField(_("exonéré de TVA (CGI art. 261-4-4°)"), default=False)

    class Meta:
        verbose_name = _("organisme de formation")
        verbose_name_plural = _("organismes de formation")

    def __str__(self) -> str:
        return self.declaration_number


class EvaluationKind(models.TextChoices):
    HOT = "hot", _("à chaud")
    COLD = "cold", _("à froid")


class Evaluation(models.Model):
    """A participant's questionnaire (Qualiopi indicator 30): hot at the end of the
    training, cold some days later. Answered without login through a link whose token is
    kept only as its SHA-256; a reminder sends a fresh token (the previous link stops)."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("inscription"),
    )
    kind = models.CharField(_("type"), max_length=8, choices=EvaluationKind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(_("envoyée le"))
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answers = models.JSONField(_("réponses"), default=dict, blank=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind"], name="evaluation_once_per_enrolment_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.enrolment}"


class AccessExtension(models.Model):
    """Staff extend a participant's access (art. 7.3: an outage beyond 48 business hours;
    art. 7.4: maintenance; or a commercial gesture), with the reason, audited."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="access_extensions",
        verbose_name=_("inscription"),
    )
    days = models.PositiveIntegerField(
        _("jours"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    clause = models.CharField(_("clause"), max_length=32, blank=True)
    reason = models.CharField(_("motif"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    created_at = models.DateTimeField(_("accordée le"))
    # Set when the extension comes from a recorded interruption of the application (art.
    # 7.3, 7.4): at most one extension per enrolment and interruption.
    interruption = models.ForeignKey(
        "coaching.ServiceInterruption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_extensions",
        verbose_name=_("interruption"),
    )

    class Meta:
        verbose_name = _("prolongation d'accès")
        verbose_name_plural = _("prolongations d'accès")
        ordering = ["enrolment", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "interruption"],
                condition=models.Q(interruption__isnull=False),
                name="one_extension_per_interruption",
            )
        ]

    def __str__(self) -> str:
        return f"+{self.days} j — {self.enrolment}"
