"""Providers (tenants), client organisations, people and their memberships.

One deployment serves several providers. Every row below hangs off a provider, and a
person's access is the sum of their active memberships: staff of a provider, or admin /
member of one client organisation of that provider.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar, cast

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from clausier.accounts import validators
from clausier.core.businesstime import HolidaySeat
from clausier.core.fields import EncryptedTextField


class Language(models.TextChoices):
    FR = "fr", _("Français")
    DE = "de", _("Deutsch")
    EN = "en", _("English")


class Role(models.TextChoices):
    OWNER = "owner", _("Responsable")
    ENGINEER = "engineer", _("Ingénieur")
    COACH = "coach", _("Coach / formateur")
    ACCOUNTANT = "accountant", _("Comptable")
    CLIENT_ADMIN = "admin", _("Administrateur client")
    CLIENT_MEMBER = "member", _("Collaborateur")


STAFF_ROLES = frozenset({Role.OWNER, Role.ENGINEER, Role.COACH, Role.ACCOUNTANT})
CLIENT_ROLES = frozenset({Role.CLIENT_ADMIN, Role.CLIENT_MEMBER})


class ServiceLine(models.TextChoices):
    MANAGED_HOSTING = "managed_hosting", _("Infogérance")
    COACHING_TRAINING = "coaching_training", _("Coaching et formation")


class OperationCategory(models.TextChoices):
    """What the provider's invoices bill (CGI art. 242 nonies A, e-invoicing reform)."""

    SERVICES = "services", _("Prestations de services")
    GOODS = "goods", _("Livraisons de biens")
    MIXED = "mixed", _("Mixte (biens et services)")


class ClientKind(models.TextChoices):
    """Who the client is as a buyer of training: the BPF (cerfa 10443) files its revenue
    under C-1, C-3, C-9 or C-10 and its trainees under F-1 by this."""

    COMPANY = "company", _("Entreprise (employeur privé)")
    PUBLIC_EMPLOYER = "public_employer", _("Employeur public")
    INDIVIDUAL = "individual", _("Particulier à ses propres frais")
    TRAINING_ORGANISATION = "training_organisation", _("Organisme de formation")


class Address(models.Model):
    address_line1 = models.CharField(_("adresse"), max_length=200)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=20)
    city = models.CharField(_("ville"), max_length=100)
    country = models.CharField(_("pays (ISO 3166)"), max_length=2, default="FR")

    class Meta:
        abstract = True

    def clean_country(self) -> None:
        self.country = self.country.upper()
        if len(self.country) != 2 or not self.country.isalpha():
            raise ValidationError({"country": _("Code pays ISO à deux lettres attendu (FR, DE…).")})


class Provider(Address):
    """A provider publishing its terms of sale: the tenant."""

    slug = models.SlugField(_("identifiant"), unique=True)
    legal_name = models.CharField(_("raison sociale"), max_length=200)
    service_line = models.CharField(
        _("métier"), max_length=32, choices=ServiceLine.choices, default=ServiceLine.MANAGED_HOSTING
    )
    siren = models.CharField(_("SIREN"), max_length=9)
    siret = models.CharField(_("SIRET"), max_length=14)
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20)
    contact_email = models.EmailField(_("e-mail de contact"))
    support_email = models.EmailField(_("e-mail du support"))
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # Code de commerce R123-237: the legal form, the share capital and "RCS <city of the
    # registry>" beside the SIREN on every invoice, letter and website of a company.
    legal_form = models.CharField(
        _("forme juridique"),
        max_length=60,
        help_text=_("Par exemple SAS, SARL, SA, EURL, EI."),
    )
    share_capital = models.DecimalField(
        _("capital social (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Vide pour une entreprise individuelle, qui n'a pas de capital."),
    )
    rcs_city = models.CharField(
        _("ville du greffe (RCS)"),
        max_length=100,
        blank=True,
        help_text=_(
            "« RCS Paris » : la ville seule ; le numéro RCS est le SIREN. Vide si "
            "l'entreprise n'est pas immatriculée au RCS."
        ),
    )
    # E-invoicing reform (CGI art. 242 nonies A as amended in 2024): category of the
    # operations billed and the option for VAT on debits, shown on every invoice.
    operation_category = models.CharField(
        _("catégorie des opérations facturées"),
        max_length=16,
        choices=OperationCategory.choices,
        default=OperationCategory.SERVICES,
    )
    vat_on_debits = models.BooleanField(
        _("option pour le paiement de la TVA d'après les débits"),
        default=False,
        help_text=_(
            "Cochez si l'entreprise a opté pour payer la TVA sur ses prestations de "
            "services à la facturation plutôt qu'à l'encaissement (CGI art. 269, 2-c)."
        ),
    )
    # Office hours and public holidays are the provider's, those of its seat (managed
    # hosting art. 2, 5), never its clients' regions: every business-time computation
    # takes this calendar.
    holiday_country = models.CharField(
        _("pays des jours fériés (ISO 3166)"), max_length=2, default="FR"
    )
    holiday_subdivision = models.CharField(
        _("subdivision des jours fériés"),
        max_length=10,
        blank=True,
        help_text=_("Vide pour le droit national ; 57 (Moselle) ou 6AE (Alsace) par exemple."),
    )
    # The BPF (cerfa 10443) is filed per accounting year: the month it starts (1 = the
    # calendar year). The year N is the one that ends in N.
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("mois de début de l'exercice comptable"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 pour janvier (exercice civil) ; 7 pour un exercice de juillet à juin."),
    )
    # Issue 16: the owner may require every staff member to log in with a TOTP code
    # (clausier.accounts.two_factor); a staff member not yet enrolled enrols at the next login.
    staff_two_factor_required = models.BooleanField(
        _("double authentification obligatoire pour le personnel"), default=False
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("prestataire")
        verbose_name_plural = _("prestataires")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def holiday_seat(self) -> HolidaySeat:
        """The public holidays its office hours observe: those of its seat."""
        return HolidaySeat(self.holiday_country, self.holiday_subdivision or None)

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        self.holiday_country = (self.holiday_country or "").upper()
        try:
            self.holiday_seat.check()
        except ValueError:
            errors.setdefault("holiday_subdivision", []).append(
                ValidationError(
                    _("Calendrier inconnu : %(seat)s."),
                    params={"seat": "-".join(filter(None, self.holiday_seat))},
                )
            )
        for field, cleaner in (
            ("siren", validators.clean_siren),
            ("siret", validators.clean_siret),
            ("vat_number", validators.clean_vat_number),
            ("iban", validators.clean_iban),
        ):
            try:
                setattr(self, field, cleaner(getattr(self, field)))
            except ValidationError as exc:
                errors.setdefault(field, []).append(exc)
        if self.bic:
            try:
                self.bic = validators.clean_bic(self.bic)
            except ValidationError as exc:
                errors.setdefault("bic", []).append(exc)
        for field, cleaner in (
            ("legal_form", validators.clean_legal_form),
            ("rcs_city", validators.clean_rcs_city),
        ):
            try:
                setattr(self, field, cleaner(getattr(self, field)))
            except ValidationError as exc:
                errors.setdefault(field, []).append(exc)
        if self.share_capital is not None:
            try:
                validators.check_share_capital(self.share_capital)
            except ValidationError as exc:
                errors.setdefault("share_capital", []).append(exc)
        if (
            "siren" not in errors
            and "siret" not in errors
            and not self.siret.startswith(self.siren)
        ):
            errors.setdefault("siret", []).append(
                ValidationError(_("Le SIRET doit commencer par le SIREN de l'entreprise."))
            )
        try:
            self.clean_country()
        except ValidationError as exc:
            errors.setdefault("country", []).append(exc)
        if errors:
            raise ValidationError(errors)


class ClientOrganisation(Address):
    """A client company of a provider. SIREN is optional: foreign companies have none."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="clients", verbose_name=_("prestataire")
    )
    legal_name = models.CharField(_("raison sociale"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)
    billing_email = models.EmailField(_("e-mail de facturation"), blank=True)
    # The language of the mails that go to the billing address (invoices, payments,
    # reminders): the accounts department's, set by the client admin (issue 16).
    billing_language = models.CharField(
        _("langue de l'adresse de facturation"),
        max_length=2,
        choices=Language.choices,
        default=Language.FR,
    )
    kind = models.CharField(
        _("nature du client"),
        max_length=24,
        choices=ClientKind.choices,
        default=ClientKind.COMPANY,
        help_text=_("Pour le bilan pédagogique et financier (cerfa 10443, lignes C et F-1)."),
    )
    email_domains = models.JSONField(
        _("domaines e-mail professionnels"),
        default=list,
        blank=True,
        help_text=_("Les invitations ne sont envoyées qu'à ces domaines, s'ils sont renseignés."),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation cliente")
        verbose_name_plural = _("organisations clientes")
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                "provider",
                Lower("legal_name"),
                name="client_unique_name_per_provider",
                violation_error_message=_(
                    "Une organisation cliente de ce nom existe déjà chez ce prestataire."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.siren:
            try:
                self.siren = validators.clean_siren(self.siren)
            except ValidationError as exc:
                errors.setdefault("siren", []).append(exc)
        if self.vat_number:
            try:
                self.vat_number = validators.clean_vat_number(self.vat_number)
            except ValidationError as exc:
                errors.setdefault("vat_number", []).append(exc)
        if not isinstance(self.email_domains, list) or not all(
            isinstance(d, str) for d in self.email_domains
        ):
            errors.setdefault("email_domains", []).append(
                ValidationError(_("Une liste de noms de domaine est attendue."))
            )
        else:
            cleaned = []
            for domain in self.email_domains:
                try:
                    cleaned.append(validators.clean_domain(domain))
                except ValidationError as exc:
                    errors.setdefault("email_domains", []).append(exc)
            self.email_domains = sorted(set(cleaned))
        try:
            self.clean_country()
        except ValidationError as exc:
            errors.setdefault("country", []).append(exc)
        if errors:
            raise ValidationError(errors)


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> Person:
        return self.get(email__iexact=username or "")

    def create_user(self, email: str, password: str | None = None, **fields: object) -> Person:
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> Person:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in. The e-mail is the login, unique whatever its case."""

    # Stored lower-case (see save); the constraint on Lower(email) guards raw inserts too.
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    language = models.CharField(
        _("langue"), max_length=2, choices=Language.choices, default=Language.FR
    )
    is_active = models.BooleanField(_("actif"), default=True)
    # Django admin access; set for provider staff by the membership services.
    is_staff = models.BooleanField(_("accès back-office"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # Raised by "log out everywhere": it enters the session's authentication hash, so
    # every session opened before is refused at its next request (get_session_auth_hash).
    session_epoch = models.PositiveIntegerField(_("génération de sessions"), default=0)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="person_unique_email_ci")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_session_auth_hash(self) -> str:
        """Django's hash of the password, plus the session epoch once it was raised:
        a password change or "log out everywhere" ends every other session."""
        if not self.session_epoch:
            return super().get_session_auth_hash()
        return salted_hmac(
            "clausier.accounts.Person.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return cast(
            MembershipQuerySet, self.filter(revoked_at__isnull=True, suspended_at__isnull=True)
        )

    def staff(self) -> MembershipQuerySet:
        return cast(MembershipQuerySet, self.filter(client__isnull=True))

    def client_side(self) -> MembershipQuerySet:
        return cast(MembershipQuerySet, self.filter(client__isnull=False))


class Membership(models.Model):
    """A person's role at a provider (staff, client null) or at one of its clients."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("personne")
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("prestataire"),
    )
    client = models.ForeignKey(
        ClientOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation cliente"),
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # Coaching contract art. 7.1: access suspended when credentials are shared.
    suspended_at = models.DateTimeField(_("suspendu le"), null=True, blank=True)
    suspension_reason = models.TextField(_("motif de suspension"), blank=True)
    suspended_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suspendu par"),
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        ordering = ["provider", "client", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "provider"],
                condition=models.Q(client__isnull=True, revoked_at__isnull=True),
                name="membership_one_staff_role_per_provider",
            ),
            models.UniqueConstraint(
                fields=["person", "client"],
                condition=models.Q(client__isnull=False, revoked_at__isnull=True),
                name="membership_one_role_per_client",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        client__isnull=True, role__in=["owner", "engineer", "coach", "accountant"]
                    )
                    | models.Q(client__isnull=False, role__in=["admin", "member"])
                ),
                name="membership_role_matches_side",
            ),
        ]

    def __str__(self) -> str:
        where = self.client or self.provider
        return f"{self.person} — {self.get_role_display()} — {where}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.suspended_at is None

    @property
    def is_staff_side(self) -> bool:
        return self.client_id is None


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self, now: object) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """A single-use, expiring invitation to a professional address (coaching art. 6.1).

    Only a hash of the token is stored: the token itself exists only in the e-mail.
    """

    provider = models.ForeignKey(
        Provider,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("prestataire"),
    )
    client = models.ForeignKey(
        ClientOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation cliente"),
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices)
    language = models.CharField(
        _("langue"), max_length=2, choices=Language.choices, default=Language.FR
    )
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("empreinte du jeton")
    )
    invited_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invité par")
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    sent_count = models.PositiveIntegerField(_("envois"), default=0)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.client or self.provider}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def status(self, now: object) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:  # type: ignore[operator]
            return "expired"
        return "pending"


class SignedInSession(models.Model):
    """One browser session of a person, for their sessions page (issue 16).

    Recorded at login, removed at logout. The session key is a bearer secret: it is kept
    sealed (`EncryptedTextField`) to end that session from the page, and found again by
    its SHA-256 (`key_hash`)."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="signed_in_sessions",
        verbose_name=_("personne"),
    )
    key_hash = models.CharField(
        _("empreinte de la clé de session"), max_length=64, unique=True, editable=False
    )
    sealed_key = EncryptedTextField(_("clé de session chiffrée"), editable=False)
    created_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    user_agent = models.CharField(_("navigateur"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("session ouverte")
        verbose_name_plural = _("sessions ouvertes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_key(session_key: str) -> str:
        return hashlib.sha256(session_key.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Stored hashed; shown once at creation."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("personne")
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("préfixe"), max_length=12, editable=False)
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("empreinte du jeton")
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class TwoFactorDevice(models.Model):
    """A person's TOTP authenticator (RFC 6238), issue 16: staff two-factor login.

    The shared secret is sealed at rest (`EncryptedTextField`, Fernet under
    CLAUSIER_SECRET_KEYS); a device counts only once confirmed by a first code. The last
    accepted time step is kept so that a code is never accepted twice (RFC 6238 §5.2)."""

    person = models.OneToOneField(
        Person,
        on_delete=models.CASCADE,
        related_name="two_factor_device",
        verbose_name=_("personne"),
    )
    secret = EncryptedTextField(_("secret TOTP chiffré"), editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    last_time_step = models.BigIntegerField(_("dernier pas de temps accepté"), default=0)

    class Meta:
        verbose_name = _("authentificateur TOTP")
        verbose_name_plural = _("authentificateurs TOTP")

    def __str__(self) -> str:
        return str(self.person)


class RecoveryCode(models.Model):
    """A single-use recovery code of a TOTP device: stored as its SHA-256, shown once."""

    device = models.ForeignKey(
        TwoFactorDevice,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("authentificateur"),
    )
    code_hash = models.CharField(_("empreinte du code"), max_length=64, unique=True, editable=False)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code de secours")
        verbose_name_plural = _("codes de secours")

    def __str__(self) -> str:
        return f"{self.device} {self.code_hash[:8]}…"

    @staticmethod
    def hash_code(code: str) -> str:
        normalised = code.strip().replace("-", "").replace(" ", "").lower()
        return hashlib.sha256(normalised.encode()).hexdigest()
