"""Portal pages of clausier.accounts.recovery: forgotten password (Django's reset views,
their mail through the outbox) and the e-mail change confirmed from the new address."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts import recovery
from clausier.accounts.errors import AccountsError, TooManyAttempts
from clausier.accounts.forms import EmailChangeForm, PasswordResetRequestForm
from clausier.accounts.views import current_person


class PasswordResetView(auth_views.PasswordResetView):
    """Django's first step, with the mail queued in the outbox and a per-address limit.
    The answer is the same whether the address has an account or not."""

    form_class = PasswordResetRequestForm  # type: ignore[assignment]
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            recovery.request_password_reset(now=timezone.now(), email=form.cleaned_data["email"])
        except TooManyAttempts as exc:
            form.add_error(None, str(exc.message))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_POST
def email_change(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    form = EmailChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une adresse valide et votre mot de passe."))
    elif not person.check_password(form.cleaned_data["password"]):
        messages.error(request, _("Mot de passe incorrect."))
    else:
        try:
            recovery.request_email_change(
                now=timezone.now(), person=person, new_email=form.cleaned_data["new_email"]
            )
        except AccountsError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("Un lien de confirmation a été envoyé à %(email)s.")
                % {"email": form.cleaned_data["new_email"]},
            )
    return redirect("portal:profile")


@login_required
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    person = current_person(request)
    if request.method == "POST":
        try:
            email = recovery.confirm_email_change(now=timezone.now(), person=person, token=token)
        except AccountsError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("Votre adresse est désormais %(email)s.") % {"email": email}
            )
        return redirect("portal:profile")
    # Following the link shows a confirmation button: a mail scanner that opens links
    # changes nothing.
    return render(request, "accounts/email_confirm.html", {"token": token})
