"""Content's API: the library (and its files), discussion spaces and posts, challenges.

Everything is found through `selectors` first (what the caller may not see is a 404);
what the caller sees but may not do is a 403 (`NotAllowedHere`); refusals by the rules
(an empty or too long post, a refused upload) are 400s with their code.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from clausier.accounts.api.people import caller
from clausier.accounts.scoping import staff_provider_ids
from clausier.accounts.selectors import visible_providers
from clausier.apikit.pagination import Page
from clausier.billing.selectors import visible_plans, visible_subscriptions
from clausier.content import services
from clausier.content.errors import ContentError
from clausier.content.models import Challenge, LibraryItem, Post, Space, Submission
from clausier.content.schemas import (
    ChallengeIn,
    ChallengeOut,
    FeedbackIn,
    HideIn,
    ItemIn,
    ItemOut,
    PostEditIn,
    PostIn,
    PostOut,
    SpaceOut,
    SubmissionIn,
    SubmissionOut,
    TeamSpaceIn,
)
from clausier.content.selectors import (
    visible_challenges,
    visible_items,
    visible_posts,
    visible_spaces,
    visible_submissions,
)
from clausier.content.views import file_response

router = Router(tags=["content"])


def _item_out(item: LibraryItem) -> dict[str, Any]:
    upload = item.upload
    return {
        "id": item.pk,
        "provider_id": item.provider_id,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "language": item.language,
        "url": item.url,
        "has_file": upload is not None,
        "filename": upload.filename if upload else None,
        "content_type": upload.content_type if upload else None,
        "audiences": sorted(grant.audience for grant in item.grants.all()),
    }


def _post_out(post: Post) -> dict[str, Any]:
    hidden = post.hidden_at is not None
    return {
        "id": post.pk,
        "space_id": post.space_id,
        "kind": post.kind,
        "parent_id": post.parent_id,
        "author": str(post.author),
        "body": "" if hidden else post.body,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "hidden": hidden,
    }


def _submission_out(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "challenge_id": submission.challenge_id,
        "author": str(submission.author),
        "text": submission.text,
        "submitted_at": submission.submitted_at,
        "late": submission.late,
        "has_file": submission.upload_id is not None,
        "feedback": submission.feedback,
        "feedback_at": submission.feedback_at,
    }


# Library ------------------------------------------------------------------------------


@router.get("/content/items", response=list[ItemOut])
@paginate(Page)
def list_items(request: HttpRequest) -> Any:
    items = visible_items(caller(request)).select_related("upload").prefetch_related("grants")
    return [_item_out(item) for item in items.order_by("title", "pk")]


@router.post("/content/items", response={201: ItemOut})
def create_item(request: HttpRequest, payload: ItemIn) -> Status[dict[str, Any]]:
    """A linked item (video host, tool), open to clients of the given plans. The owner
    and coaches of the provider create; other staff get a 403, everyone else a 404."""
    person = caller(request)
    provider = get_object_or_404(
        visible_providers(person).filter(pk__in=staff_provider_ids(person)),
        pk=payload.provider_id,
    )
    plans = list(visible_plans(person).filter(provider=provider, pk__in=payload.plan_ids))
    if len(plans) != len(set(payload.plan_ids)):
        raise ContentError(_("Formule introuvable."), code="unknown_plan")
    item = services.create_item(
        now=timezone.now(),
        actor=person,
        provider=provider,
        kind=payload.kind,
        title=payload.title,
        language=payload.language,
        description=payload.description,
        url=payload.url,
        plans=plans,
    )
    return Status(201, _item_out(item))


@router.get("/content/items/{item_id}", response=ItemOut)
def get_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _item_out(get_object_or_404(visible_items(caller(request)), pk=item_id))


@router.get("/content/items/{item_id}/file")
def download_item(request: HttpRequest, item_id: int) -> HttpResponseBase:
    """The item's file, as the portal serves it (attachment unless an image, nosniff)."""
    item = get_object_or_404(visible_items(caller(request)).select_related("upload"), pk=item_id)
    if item.upload is None:
        raise ContentError(_("Ce contenu est un lien, sans fichier."), code="no_file")
    return file_response(item.upload)


@router.post("/content/items/{item_id}/file", response=ItemOut)
def upload_item_file(
    request: HttpRequest, item_id: int, file: File[UploadedFile | None] = None
) -> dict[str, Any]:
    """Attach a file (multipart field `file`): PDF kept as is, PNG/JPEG/WebP re-encoded,
    anything else a 400 `upload_refused`; over the size limit a 400 `upload_too_large`."""
    person = caller(request)
    item = get_object_or_404(visible_items(person), pk=item_id)
    if file is None:
        raise ContentError(_("Joignez un fichier (champ « file »)."), code="no_file")
    item = services.attach_file(
        now=timezone.now(), actor=person, item=item, name=file.name or "", stream=file
    )
    return _item_out(item)


# Spaces -------------------------------------------------------------------------------


@router.get("/content/spaces", response=list[SpaceOut])
@paginate(Page)
def list_spaces(request: HttpRequest) -> Any:
    return visible_spaces(caller(request)).order_by("title", "pk")


@router.post("/content/spaces", response={201: SpaceOut})
def create_team_space(request: HttpRequest, payload: TeamSpaceIn) -> Status[Space]:
    person = caller(request)
    subscription = get_object_or_404(visible_subscriptions(person), pk=payload.subscription_id)
    space = services.open_team_space(
        now=timezone.now(), actor=person, subscription=subscription, title=payload.title
    )
    return Status(201, space)


@router.get("/content/spaces/{space_id}/posts", response=list[PostOut])
@paginate(Page)
def list_posts(request: HttpRequest, space_id: int) -> Any:
    space = get_object_or_404(visible_spaces(caller(request)), pk=space_id)
    posts = space.posts.select_related("author").order_by("created_at", "pk")
    return [_post_out(post) for post in posts]


@router.post("/content/spaces/{space_id}/posts", response={201: PostOut})
def create_post(request: HttpRequest, space_id: int, payload: PostIn) -> Status[dict[str, Any]]:
    person = caller(request)
    space = get_object_or_404(visible_spaces(person), pk=space_id)
    parent = None
    if payload.parent_id is not None:
        parent = get_object_or_404(space.posts.all(), pk=payload.parent_id)
    post = services.post(
        now=timezone.now(),
        actor=person,
        space=space,
        body=payload.body,
        kind=payload.kind,
        parent=parent,
    )
    return Status(201, _post_out(post))


@router.patch("/content/posts/{post_id}", response=PostOut)
def edit_post(request: HttpRequest, post_id: int, payload: PostEditIn) -> dict[str, Any]:
    """The author edits; anyone else in the space gets a 403."""
    person = caller(request)
    post = get_object_or_404(visible_posts(person), pk=post_id)
    return _post_out(
        services.edit(now=timezone.now(), actor=person, target=post, body=payload.body)
    )


@router.post("/content/posts/{post_id}/hide", response=PostOut)
def hide_post(request: HttpRequest, post_id: int, payload: HideIn) -> dict[str, Any]:
    """Moderation by the provider's owner or coaches; the post's text is no longer shown."""
    person = caller(request)
    post = get_object_or_404(visible_posts(person).select_related("space"), pk=post_id)
    return _post_out(
        services.hide(now=timezone.now(), actor=person, target=post, reason=payload.reason)
    )


# Challenges ---------------------------------------------------------------------------


@router.get("/content/challenges", response=list[ChallengeOut])
@paginate(Page)
def list_challenges(request: HttpRequest) -> Any:
    return visible_challenges(caller(request)).order_by("due_on", "pk")


@router.post("/content/challenges", response={201: ChallengeOut})
def create_challenge(request: HttpRequest, payload: ChallengeIn) -> Status[Challenge]:
    person = caller(request)
    subscription = get_object_or_404(visible_subscriptions(person), pk=payload.subscription_id)
    challenge = services.set_challenge(
        now=timezone.now(),
        actor=person,
        subscription=subscription,
        title=payload.title,
        instructions=payload.instructions,
        due_on=payload.due_on,
    )
    return Status(201, challenge)


@router.get("/content/challenges/{challenge_id}/submissions", response=list[SubmissionOut])
@paginate(Page)
def list_submissions(request: HttpRequest, challenge_id: int) -> Any:
    person = caller(request)
    challenge = get_object_or_404(visible_challenges(person), pk=challenge_id)
    submissions = visible_submissions(person).filter(challenge=challenge).select_related("author")
    return [_submission_out(s) for s in submissions]


@router.post("/content/challenges/{challenge_id}/submission", response=SubmissionOut)
def submit(request: HttpRequest, challenge_id: int, payload: SubmissionIn) -> dict[str, Any]:
    """Hand in (or replace, before feedback) the caller's answer; `late` says whether it
    came after the due day in the contract's zone. Files go through the portal's form."""
    person = caller(request)
    challenge = get_object_or_404(
        visible_challenges(person).select_related("subscription"), pk=challenge_id
    )
    submission = services.submit(
        now=timezone.now(), actor=person, challenge=challenge, text=payload.text
    )
    return _submission_out(submission)


@router.post("/content/submissions/{submission_id}/feedback", response=SubmissionOut)
def feedback(request: HttpRequest, submission_id: int, payload: FeedbackIn) -> dict[str, Any]:
    person = caller(request)
    submission = get_object_or_404(
        visible_submissions(person).select_related("challenge"), pk=submission_id
    )
    return _submission_out(
        services.give_feedback(
            now=timezone.now(), actor=person, submission=submission, feedback=payload.feedback
        )
    )
