"""Staff two-factor pages (issue 16): the code asked after the password, and the profile's
page that enrols an authenticator (server-drawn QR code, first code, recovery codes shown
once), removes it, and lets an owner require it of every staff member.

The rules are in `clausier.accounts.two_factor`; these views only call them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clausier.accounts import logins, two_factor
from clausier.accounts.models import Person
from clausier.core.errors import DomainError
from clausier.core.http import client_ip

PENDING = "two_factor_pending"
ENROL_REQUIRED = "two_factor_enrol_required"


def begin_second_step(request: HttpRequest, person: Person, next_url: str) -> HttpResponse:
    """The password was right and the person has an authenticator: remember who (not yet
    logged in) and ask for the code."""
    request.session[PENDING] = {
        "person": person.pk,
        "backend": getattr(person, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "since": timezone.now().timestamp(),
        "next": next_url,
    }
    return redirect("portal:login_code")


def finish_login(request: HttpRequest, person: Person, next_url: str) -> HttpResponse:
    """Log in; a staff member whose owner requires two-factor and who has no authenticator
    yet goes to enrolment first, and can go nowhere else until it is done."""
    login(request, person)
    if two_factor.must_enrol(person):
        request.session[ENROL_REQUIRED] = True
        messages.warning(
            request,
            _("Votre prestataire exige la double authentification : activez-la pour continuer."),
        )
        return redirect("portal:two_factor")
    return redirect(next_url)


def _pending_person(request: HttpRequest) -> tuple[Person, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - float(pending.get("since", 0))
    if age > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    person = Person.objects.filter(pk=int(pending.get("person") or 0), is_active=True).first()
    return (person, pending) if person is not None else None


def login_code(request: HttpRequest) -> HttpResponse:
    found = _pending_person(request)
    if found is None:
        messages.error(request, _("Saisissez d'abord votre e-mail et votre mot de passe."))
        return redirect("portal:login")
    person, pending = found
    error = None
    status = 200
    if request.method == "POST":
        credentials = {"username": person.email}
        # The same limiter as the password: a locked account gets no code checked.
        if AxesProxyHandler.is_locked(request, credentials):
            error, status = logins.lockout_message(), 429
        elif two_factor.verify(
            person=person,
            code=request.POST.get("code", ""),
            now=timezone.now(),
            ip_address=client_ip(request),
        ):
            request.session.pop(PENDING, None)
            person.backend = pending["backend"]
            return finish_login(request, person, pending["next"])
        else:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if logins.locked_out(request):
                error, status = logins.lockout_message(), 429
            else:
                error, status = _("Code incorrect ou déjà utilisé."), 400
    return render(request, "accounts/login_code.html", {"error": error}, status=status)


@login_required
def two_factor_page(request: HttpRequest) -> HttpResponse:
    person = cast(Person, request.user)
    if not two_factor.is_staff(person):
        raise Http404
    now = timezone.now()
    ip = client_ip(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    context: dict[str, Any] = {"owned": two_factor.owned_providers(person)}
    status = 200
    try:
        if action == "confirm":
            context["recovery_codes"] = two_factor.confirm_enrolment(
                person=person, code=request.POST.get("code", ""), now=now, ip_address=ip
            )
            request.session.pop(ENROL_REQUIRED, None)
            messages.success(request, _("Double authentification activée."))
        elif action == "renew":
            context["recovery_codes"] = two_factor.regenerate_recovery_codes(
                person=person, code=request.POST.get("code", ""), now=now, ip_address=ip
            )
            messages.success(
                request, _("Nouveaux codes de secours créés ; les anciens ne valent plus.")
            )
        elif action == "disable":
            two_factor.disable(
                person=person, code=request.POST.get("code", ""), now=now, ip_address=ip
            )
            messages.success(request, _("Double authentification désactivée."))
            return redirect("portal:two_factor")
        elif action == "require":
            provider = next(
                (p for p in context["owned"] if str(p.pk) == request.POST.get("provider")), None
            )
            if provider is None:
                raise Http404
            two_factor.set_staff_requirement(
                actor=person,
                provider=provider,
                required=request.POST.get("required") == "on",
                now=now,
                ip_address=ip,
            )
            messages.success(request, _("Règle enregistrée."))
            return redirect("portal:two_factor")
        elif action:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
        status = 400
    device = two_factor.device_of(person)
    if device is not None and device.confirmed_at is None:
        uri = two_factor.provisioning_uri(person, device.secret)
        context.update(secret=device.secret, qr_svg=two_factor.qr_svg(uri))
    elif device is None:
        device = two_factor.pending_device(person, now)
        uri = two_factor.provisioning_uri(person, device.secret)
        context.update(secret=device.secret, qr_svg=two_factor.qr_svg(uri))
    context.update(
        device=device,
        codes_left=two_factor.recovery_codes_left(person),
        required=two_factor.required_for(person),
    )
    response = render(request, "accounts/two_factor.html", context, status=status)
    # The secret and the recovery codes are in this response only.
    response["Cache-Control"] = "no-store"
    return response


class TwoFactorEnrolmentMiddleware:
    """After a login that must enrol first, every page but enrolment and logout waits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(ENROL_REQUIRED):
            allowed = (reverse("portal:two_factor"), reverse("portal:logout"))
            path = request.path
            passing = path in allowed or path.startswith(("/static/", "/i18n/"))
            if not passing:
                if path.startswith("/api/"):
                    body = {
                        "code": "two_factor_enrolment_required",
                        "message": _("Activez d'abord la double authentification."),
                        "fields": {},
                    }
                    return JsonResponse(body, status=403)
                return redirect("portal:two_factor")
        return self.get_response(request)
