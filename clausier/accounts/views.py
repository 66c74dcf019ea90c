"""Accounts in the portal ("espace client"): login, activation, profile, members."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts import logins, selectors, services, two_factor, two_factor_views
from clausier.accounts.errors import AccountsError, InvalidInvitation
from clausier.accounts.forms import (
    ActivationForm,
    ClientBillingForm,
    EmailChangeForm,
    InviteForm,
    LoginForm,
    ProfileForm,
)
from clausier.accounts.models import ClientOrganisation, Invitation, Person
from clausier.core.http import client_ip


def current_person(request: HttpRequest) -> Person:
    """The logged-in person; views using it are behind login_required."""
    return cast(Person, request.user)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # The shared limiter (clausier.accounts.logins) counts and refuses inside authenticate.
        email = form.cleaned_data["email"]
        person = authenticate(request, username=email, password=form.cleaned_data["password"])
        if person is None and logins.locked_out(request):
            form.add_error(None, logins.lockout_message())
            status = 429
        elif person is None:
            form.add_error(None, _("E-mail ou mot de passe incorrect, ou accès suspendu."))
            status = 400
        elif two_factor.enrolled(person):
            return two_factor_views.begin_second_step(request, person, _safe_next(request))
        else:
            return two_factor_views.finish_login(request, person, _safe_next(request))
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login.html", {"form": form}, status=status)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("portal:home")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


def activate(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        invitation = services.pending_invitation(token, now)
    except InvalidInvitation as exc:
        return render(
            request, "accounts/activation_invalid.html", {"error": exc.message}, status=410
        )
    existing = Person.objects.filter(email__iexact=invitation.email).exists()
    form = ActivationForm(request.POST or None, existing=existing)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                person = services.accept_invitation(
                    now=now,
                    token=token,
                    password=form.cleaned_data["password"],
                    first_name=form.cleaned_data.get("first_name", ""),
                    last_name=form.cleaned_data.get("last_name", ""),
                    ip_address=client_ip(request),
                )
            except InvalidInvitation as exc:
                return render(
                    request, "accounts/activation_invalid.html", {"error": exc.message}, status=410
                )
            except AccountsError as exc:
                form.add_error("password", str(exc.message))
            else:
                login(request, person, backend="clausier.accounts.backends.EmailBackend")
                translation.activate(person.language)
                messages.success(request, _("Votre compte est activé. Bienvenue !"))
                return redirect("portal:home")
    # The invitation's language, unless the visitor chose another with the selector.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    with translation.override(chosen or invitation.language):
        return render(
            request,
            "accounts/activate.html",
            {"form": form, "invitation": invitation, "existing": existing},
            status=status,
        )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    profile_form = ProfileForm(
        request.POST if request.POST.get("form") == "profile" else None,
        initial={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "language": person.language,
        },
    )
    password_form = PasswordChangeForm(
        person, request.POST if request.POST.get("form") == "password" else None
    )
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("form") == "profile" and profile_form.is_valid():
            person.first_name = profile_form.cleaned_data["first_name"]
            person.last_name = profile_form.cleaned_data["last_name"]
            person.language = profile_form.cleaned_data["language"]
            person.save(update_fields=["first_name", "last_name", "language"])
            translation.activate(person.language)
            messages.success(request, _("Profil enregistré."))
            return redirect("portal:profile")
        if request.POST.get("form") == "password" and password_form.is_valid():
            password_form.save()
            update_session_auth_hash(request, person)
            messages.success(request, _("Mot de passe modifié."))
            return redirect("portal:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "password_form": password_form,
            "email_form": EmailChangeForm(auto_id="id_email_%s"),
            "is_staff": two_factor.is_staff(person),
        },
        status=status,
    )


def _admin_client(request: HttpRequest, client_id: int) -> ClientOrganisation:
    """A client the person administers; 404 otherwise, so nothing leaks about others."""
    person = current_person(request)
    allowed = selectors.managed_clients(person).filter(pk=client_id).first()
    if allowed is None:
        raise Http404
    return allowed


@login_required
def members(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _admin_client(request, client_id)
    person = current_person(request)
    form = InviteForm(request.POST or None, initial={"language": person.language})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.invite(
                    now=timezone.now(),
                    actor=person,
                    provider=client.provider,
                    client=client,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    language=form.cleaned_data["language"],
                    ip_address=client_ip(request),
                )
            except AccountsError as exc:
                form.add_error("email", str(exc.message))
            else:
                messages.success(
                    request,
                    _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("portal:members", client_id=client.pk)
    now = timezone.now()
    return render(
        request,
        "accounts/members.html",
        {
            "client": client,
            "form": form,
            "memberships": client.memberships.filter(revoked_at__isnull=True).select_related(
                "person"
            ),
            "invitations": client.invitations.pending(now).select_related("invited_by"),
            "billing_form": ClientBillingForm(
                initial={
                    "billing_email": client.billing_email,
                    "billing_language": client.billing_language,
                },
                auto_id="billing_%s",
            ),
        },
        status=status,
    )


@login_required
@require_POST
def client_billing(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client admin sets the billing address and the language of its mails."""
    client = _admin_client(request, client_id)
    form = ClientBillingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("portal:members", client_id=client.pk)
    try:
        services.update_client(
            actor=current_person(request),
            client=client,
            changes=dict(form.cleaned_data),
            ip_address=client_ip(request),
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    except AccountsError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Adresse de facturation enregistrée."))
    return redirect("portal:members", client_id=client.pk)


@login_required
@require_POST
def member_action(
    request: HttpRequest, client_id: int, membership_id: int, action: str
) -> HttpResponse:
    client = _admin_client(request, client_id)
    membership = (
        client.memberships.filter(pk=membership_id).select_related("person", "provider").first()
    )
    if membership is None or action not in {"revoke"}:
        raise Http404
    try:
        services.revoke_membership(
            now=timezone.now(),
            actor=current_person(request),
            membership=membership,
            ip_address=client_ip(request),
        )
    except AccountsError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Accès de %(person)s révoqué.") % {"person": membership.person})
    return redirect("portal:members", client_id=client.pk)


@login_required
@require_POST
def invitation_action(
    request: HttpRequest, client_id: int, invitation_id: int, action: str
) -> HttpResponse:
    client = _admin_client(request, client_id)
    invitation: Invitation | None = client.invitations.filter(pk=invitation_id).first()
    if invitation is None or action not in {"resend", "revoke"}:
        raise Http404
    now, actor, ip = timezone.now(), current_person(request), client_ip(request)
    try:
        if action == "resend":
            services.resend_invitation(now=now, actor=actor, invitation=invitation, ip_address=ip)
            messages.success(
                request, _("Invitation renvoyée à %(email)s.") % {"email": invitation.email}
            )
        else:
            services.revoke_invitation(now=now, actor=actor, invitation=invitation, ip_address=ip)
            messages.success(request, _("Invitation annulée."))
    except AccountsError as exc:
        messages.error(request, str(exc.message))
    return redirect("portal:members", client_id=client.pk)
