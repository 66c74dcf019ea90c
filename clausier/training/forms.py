"""The staff's forms: a session by half-days, a quote, participants, a funding request,
the OPCO's agreement or refusal. They only read and check input; the services decide."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import ClientOrganisation, Person, Provider, Role
from clausier.billing.models_funders import Funder
from clausier.terms.zone import contract_zone
from clausier.training.models import (
    FundingScheme,
    HalfDay,
    SessionStatus,
    Training,
    TrainingSession,
)

MAX_HALF_DAYS = 10
LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


class SessionForm(forms.Form):
    training = forms.ModelChoiceField(queryset=Training.objects.none(), label=_("Formation"))
    trainer = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Formateur"))
    location = forms.CharField(
        label=_("Lieu ou lien de la classe virtuelle"), max_length=200, required=False
    )
    min_participants = forms.IntegerField(
        label=_("Participants minimum"), min_value=1, max_value=500, initial=1
    )
    room_name = forms.RegexField(
        label=_("Salle JaaS des demi-journées à distance (facultatif)"),
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$",
        error_messages={"invalid": _("Lettres, chiffres, points, tirets : sans espace.")},
        required=False,
    )

    def __init__(self, *args: Any, provider_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = Training.objects.filter(  # type: ignore[attr-defined]
            provider_id__in=provider_ids
        ).order_by("title")
        self.fields["trainer"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(
                memberships__provider_id__in=provider_ids,
                memberships__client__isnull=True,
                memberships__role__in=[Role.OWNER, Role.COACH],
                memberships__revoked_at__isnull=True,
                is_active=True,
            )
            .distinct()
            .order_by("email")
        )


CATALOGUE_FIELDS = [
    "title",
    "objectives",
    "programme",
    "prerequisites",
    "duration_hours",
    "modality",
    "nature",
    "price_ht",
    "pricing",
    "access_days",
]


class TrainingForm(forms.Form):
    """A catalogue entry; the model's own fields (labels, limits, choices), checked again
    by `services.create_training` (`full_clean`)."""

    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), label=_("Organisme"))

    def __init__(self, *args: Any, provider_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = Provider.objects.filter(pk__in=provider_ids).order_by("legal_name")
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        if len(provider_ids) == 1:
            self.fields["provider"].initial = next(iter(provider_ids))
            self.fields["provider"].widget = forms.HiddenInput()
        self.fields.update(forms.fields_for_model(Training, fields=CATALOGUE_FIELDS))
        for name in ("objectives", "programme", "prerequisites"):
            self.fields[name].widget.attrs["rows"] = 4
        self.fields["objectives"].required = True
        self.fields["programme"].required = True
        self.fields["duration_hours"].validators.append(MinValueValidator(Decimal("0.5")))
        self.fields["price_ht"].validators.append(MinValueValidator(Decimal("0")))


class HalfDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    half = forms.ChoiceField(
        label=_("Demi-journée"), choices=[("", "—"), *HalfDay.choices], required=True
    )
    starts = forms.TimeField(label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}))


HalfDayFormSet = forms.formset_factory(HalfDayForm, extra=MAX_HALF_DAYS, max_num=MAX_HALF_DAYS)


def _emails(text: str) -> list[str]:
    return [e.strip().lower() for e in text.replace(",", "\n").split() if e.strip()]


class QuoteForm(forms.Form):
    session = forms.ModelChoiceField(queryset=TrainingSession.objects.none(), label=_("Session"))
    client = forms.ModelChoiceField(
        queryset=ClientOrganisation.objects.none(), label=_("Organisation cliente")
    )
    participants = forms.CharField(
        label=_("Participants (e-mails professionnels, un par ligne)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, provider_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = (  # type: ignore[attr-defined]
            TrainingSession.objects.filter(
                provider_id__in=provider_ids, status=SessionStatus.SCHEDULED
            )
            .select_related("training")
            .order_by("-created_at")
        )
        self.fields["client"].queryset = ClientOrganisation.objects.filter(  # type: ignore[attr-defined]
            provider_id__in=provider_ids
        ).order_by("legal_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        client = data.get("client")
        emails = _emails(data.get("participants", ""))
        if client is None or not emails:
            return data
        people = participants_of(client, emails)
        unknown = sorted(set(emails) - {p.email.lower() for p in people})
        if unknown:
            self.add_error(
                "participants",
                _("Pas (encore) de compte chez %(client)s pour : %(emails)s. Invitez-les d'abord.")
                % {"client": client.legal_name, "emails": ", ".join(unknown)},
            )
        data["people"] = people
        return data


def participants_of(client: ClientOrganisation, emails: list[str]) -> list[Person]:
    return list(
        Person.objects.filter(
            email__in=emails,
            memberships__client=client,
            memberships__revoked_at__isnull=True,
        ).distinct()
    )


class ParticipantForm(forms.Form):
    email = forms.EmailField(label=_("E-mail du participant"))


class FundingForm(forms.Form):
    funder = forms.ModelChoiceField(queryset=Funder.objects.none(), label=_("OPCO"))
    file_number = forms.CharField(label=_("N° de dossier"), max_length=100)
    amount_ht = forms.DecimalField(
        label=_("Montant demandé HT"), max_digits=12, decimal_places=2, min_value=0
    )
    scheme = forms.ChoiceField(
        label=_("Dispositif"),
        choices=FundingScheme.choices,
        initial=FundingScheme.SKILLS_PLAN,
        required=False,
    )

    def clean_scheme(self) -> str:
        return str(self.cleaned_data.get("scheme") or FundingScheme.SKILLS_PLAN)

    def __init__(self, *args: Any, provider_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Funder.objects.filter(  # type: ignore[attr-defined]
            provider_id=provider_id
        )


class ReceivedAtField(forms.DateTimeField):
    """A local date and time (the contract's zone), as the browser's datetime-local sends."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M"], **kwargs)

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is None:
            return None
        return result.replace(tzinfo=None).replace(tzinfo=contract_zone())


class AgreementForm(forms.Form):
    reference = forms.CharField(label=_("Référence de l'accord"), max_length=100)
    covered_ht = forms.DecimalField(
        label=_("Montant pris en charge HT"), max_digits=12, decimal_places=2, min_value=0
    )
    covered_hours = forms.DecimalField(
        label=_("Heures-stagiaires prises en charge"), max_digits=9, decimal_places=2, min_value=0
    )
    received_at = ReceivedAtField(label=_("Reçu le"))


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Motif du refus"), max_length=300)
    received_at = ReceivedAtField(label=_("Reçu le"))


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Jours de plus"), min_value=1, max_value=365)
    clause = forms.ChoiceField(
        label=_("Cause"),
        choices=[
            ("7.3", _("Panne de plus de 48 heures ouvrées (art. 7.3)")),
            ("7.4", _("Maintenance (art. 7.4)")),
            ("", _("Geste commercial")),
        ],
        required=False,
    )
    reason = forms.CharField(label=_("Motif"), max_length=300)


def scheduled_sessions(provider_ids: set[int]) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(
        provider_id__in=provider_ids, status=SessionStatus.SCHEDULED
    )


class OutageForm(forms.Form):
    """Art. 7.3: an outage of the application, recorded once fixed."""

    provider = forms.ModelChoiceField(label=_("Prestataire"), queryset=Provider.objects.none())
    starts_at = ReceivedAtField(label=_("Début de la panne"))
    ends_at = ReceivedAtField(label=_("Fin (correction)"))
    scope = forms.CharField(label=_("Périmètre (ce qui était indisponible)"), max_length=200)
    cause = forms.CharField(label=_("Cause"), max_length=300)

    def __init__(self, *args: Any, provider_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = Provider.objects.filter(pk__in=provider_ids).order_by("legal_name")
        field = self.fields["provider"]
        field.queryset = providers  # type: ignore[attr-defined]
        if len(provider_ids) == 1:
            field.initial = next(iter(provider_ids))


class MaintenanceForm(OutageForm):
    """Art. 7.4: a planned maintenance, at least 48 hours ahead unless urgent."""

    starts_at = ReceivedAtField(label=_("Début de la maintenance"))
    ends_at = ReceivedAtField(label=_("Fin prévue"))
    scope = forms.CharField(label=_("Périmètre (ce qui sera indisponible)"), max_length=200)
    cause = forms.CharField(label=_("Motif"), max_length=300, required=False)
    emergency = forms.BooleanField(
        label=_("Urgence : ne peut attendre 48 heures (art. 7.4)"), required=False
    )
