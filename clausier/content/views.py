"""Content in the portal: the library with its downloads, discussion spaces with their
threads and chat, challenges with their submissions. Files are served only here (and by
the API), after the same visibility check as the page that links to them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts.scoping import client_ids
from clausier.accounts.views import current_person
from clausier.coaching import selectors as coaching_selectors
from clausier.content import services
from clausier.content.errors import ContentError, NotAllowedHere
from clausier.content.models import (
    ItemKind,
    NotificationSetting,
    NotifyMode,
    PostKind,
    Upload,
)
from clausier.content.selectors import (
    manages,
    visible_challenges,
    visible_items,
    visible_posts,
    visible_spaces,
    visible_submissions,
)
from clausier.core.errors import DomainError


def file_response(upload: Upload) -> FileResponse:
    """The stored bytes with a safe name: images inline, everything else as an attachment;
    the browser may not guess another type, nor run anything from the file."""
    response = FileResponse(
        upload.file.open("rb"),
        content_type=upload.content_type,
        as_attachment=not upload.is_image,
        filename=upload.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _one(queryset: Any, pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# Library ------------------------------------------------------------------------------


@login_required
def library(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    items = visible_items(person).select_related("upload").order_by("title", "pk")
    kind = request.GET.get("kind", "")
    language = request.GET.get("language", "")
    query = request.GET.get("q", "").strip()[:100]
    everything = items
    if kind in ItemKind.values:
        items = items.filter(kind=kind)
    if language in {"fr", "de", "en"}:
        items = items.filter(language=language)
    if query:
        items = items.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return render(
        request,
        "content/library.html",
        {
            "items": items[:500],
            "has_any": everything.exists(),
            "kinds": ItemKind.choices,
            "kind": kind,
            "language": language,
            "q": query,
            "is_staff_side": not client_ids(person),
        },
    )


@login_required
def item_file(request: HttpRequest, item_id: int) -> HttpResponseBase:
    item = _one(visible_items(current_person(request)).select_related("upload"), item_id)
    if item.upload is None:
        raise Http404
    return file_response(item.upload)


# Spaces -------------------------------------------------------------------------------


@login_required
def spaces(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    setting = NotificationSetting.objects.filter(person=person).first()
    return render(
        request,
        "content/spaces.html",
        {
            "spaces": visible_spaces(person).order_by("title", "pk"),
            "mode": setting.mode if setting else NotifyMode.DIGEST,
            "modes": NotifyMode.choices,
        },
    )


@login_required
@require_POST
def notification_mode(request: HttpRequest) -> HttpResponse:
    try:
        services.set_notification_mode(current_person(request), request.POST.get("mode", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Préférence enregistrée."))
    return redirect("portal:content_spaces")


def _space_page(
    request: HttpRequest, space: Any, draft: dict[str, str] | None = None
) -> HttpResponse:
    person = current_person(request)
    return render(
        request,
        "content/space.html",
        {
            "space": space,
            "threads": services.thread(space),
            "chat": services.chat(space),
            "moderator": manages(person, space.provider_id),
            "draft": draft or {},
        },
        status=400 if draft else 200,
    )


@login_required
def space_detail(request: HttpRequest, space_id: int) -> HttpResponse:
    person = current_person(request)
    space = _one(visible_spaces(person), space_id)
    if request.method != "POST":
        return _space_page(request, space)
    kind = request.POST.get("kind", PostKind.THREAD)
    body = request.POST.get("body", "")
    parent = None
    parent_id = request.POST.get("parent", "")
    if parent_id.isdigit():
        parent = _one(space.posts.all(), int(parent_id))
    try:
        services.post(
            now=timezone.now(), actor=person, space=space, body=body, kind=kind, parent=parent
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _space_page(request, space, {"body": body, "kind": kind, "parent": parent_id})
    anchor = "#chat" if kind == PostKind.CHAT else ""
    return redirect(request.path + anchor)


@login_required
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    person = current_person(request)
    target = _one(visible_posts(person).select_related("space"), post_id)
    if target.author_id != person.pk:
        raise Http404
    body = target.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            services.edit(now=timezone.now(), actor=person, target=target, body=body)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            return redirect("portal:content_space", space_id=target.space_id)
    return render(request, "content/post_edit.html", {"post": target, "body": body})


@login_required
@require_POST
def post_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    person = current_person(request)
    target = _one(visible_posts(person).select_related("space"), post_id)
    try:
        services.hide(
            now=timezone.now(), actor=person, target=target, reason=request.POST.get("reason", "")
        )
    except NotAllowedHere as exc:
        raise Http404 from exc
    messages.success(request, _("Message masqué."))
    return redirect("portal:content_space", space_id=target.space_id)


# Challenges ---------------------------------------------------------------------------


@login_required
def challenges(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    rows = visible_challenges(person).select_related("subscription__client").order_by("due_on")
    mine = dict(
        visible_submissions(person)
        .filter(author=person)
        .values_list("challenge_id", "submitted_at")
    )
    return render(
        request,
        "content/challenges.html",
        {"rows": [(c, mine.get(c.pk)) for c in rows[:500]], "today": timezone.localdate()},
    )


@login_required
def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    person = current_person(request)
    challenge = _one(
        visible_challenges(person).select_related("subscription", "provider"), challenge_id
    )
    text = ""
    status = 200
    if request.method == "POST":
        text = request.POST.get("text", "")
        upload = request.FILES.get("file")
        try:
            services.submit(
                now=timezone.now(),
                actor=person,
                challenge=challenge,
                text=text,
                file_name=upload.name or "" if upload else "",
                stream=upload if upload else None,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = 400
        else:
            messages.success(request, _("Rendu enregistré."))
            return redirect("portal:content_challenge", challenge_id=challenge.pk)
    submissions = visible_submissions(person).filter(challenge=challenge).select_related("author")
    mine = submissions.filter(author=person).first()
    return render(
        request,
        "content/challenge.html",
        {
            "challenge": challenge,
            "submissions": submissions if manages(person, challenge.provider_id) else [],
            "mine": mine,
            "may_submit": challenge.subscription.client_id in client_ids(person),
            "text": text or (mine.text if mine else ""),
            "coach": manages(person, challenge.provider_id),
        },
        status=status,
    )


@login_required
@require_POST
def submission_feedback(request: HttpRequest, submission_id: int) -> HttpResponse:
    person = current_person(request)
    submission = _one(visible_submissions(person).select_related("challenge"), submission_id)
    try:
        services.give_feedback(
            now=timezone.now(),
            actor=person,
            submission=submission,
            feedback=request.POST.get("feedback", ""),
        )
    except NotAllowedHere as exc:
        raise Http404 from exc
    except ContentError as exc:
        messages.error(request, str(exc.message))
    return redirect("portal:content_challenge", challenge_id=submission.challenge_id)


@login_required
def submission_file(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    submission = _one(
        visible_submissions(current_person(request)).select_related("upload"), submission_id
    )
    if submission.upload is None:
        raise Http404
    return file_response(submission.upload)


# A coaching session's chat -------------------------------------------------------------


@login_required
def session_chat(request: HttpRequest, session_id: int) -> HttpResponse:
    """Open (the first time) and show the chat of a session the person takes part in."""
    person = current_person(request)
    session = _one(
        coaching_selectors.visible_sessions(person).select_related("coach", "subscription"),
        session_id,
    )
    try:
        space = services.session_space(now=timezone.now(), actor=person, session=session)
    except NotAllowedHere as exc:
        raise Http404 from exc
    return redirect("portal:content_space", space_id=space.pk)
