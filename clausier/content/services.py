"""Content's workflows: library items, spaces and posts, notifications, challenges.

Every function takes `now` and the acting person; callers (API, pages, admin, demo) have
already found the objects through `selectors`, so what is refused here is what the
person may see but not do (403), or what the rules refuse (400).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from clausier.accounts.models import Membership, Person, Provider
from clausier.accounts.scoping import client_ids
from clausier.billing.models import Plan, Subscription, SubscriptionStatus
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching.models import CoachingSession
from clausier.content import audiences, rules, uploads
from clausier.content.errors import ContentError, NotAllowedHere
from clausier.content.models import (
    AccessGrant,
    Challenge,
    LibraryItem,
    NotificationSetting,
    NotifyMode,
    Post,
    PostKind,
    Space,
    SpaceKind,
    Submission,
    Upload,
)
from clausier.content.selectors import CONTENT_ROLES, manages, visible_spaces
from clausier.core import audit
from clausier.core.formatting import format_datetime
from clausier.notify import services as outbox
from clausier.terms.zone import contract_zone

CHAT_MAX_CHARS = 500
POST_MAX_CHARS = 20_000
DIGEST_EVERY = timedelta(days=1)


def _require_manager(person: Any, provider_id: int) -> None:
    if not manages(person, provider_id):
        raise NotAllowedHere(_("Réservé au responsable et aux coachs du prestataire."))


# Library ------------------------------------------------------------------------------


def create_item(
    *,
    now: datetime,
    actor: Person,
    provider: Provider,
    kind: str,
    title: str,
    language: str,
    description: str = "",
    url: str = "",
    upload: Upload | None = None,
    plans: Iterable[Plan] = (),
) -> LibraryItem:
    _require_manager(actor, provider.pk)
    if (upload is None) == (not url):
        raise ContentError(_("Un contenu a soit un fichier, soit un lien."))
    if upload is not None and upload.provider_id != provider.pk:
        raise ContentError(_("Fichier introuvable."))
    item = LibraryItem(
        provider=provider,
        kind=kind,
        title=title,
        description=description,
        language=language,
        url=url,
        upload=upload,
        created_by=actor,
        created_at=now,
    )
    item.full_clean()
    with transaction.atomic():
        item.save()
        grant_plans(item, plans)
        audit.record("library_item.created", item, actor=actor, provider=provider)
    return item


def grant_plans(item: LibraryItem, plans: Iterable[Plan]) -> None:
    """Open the item to clients with an active subscription to each plan."""
    plan_list = list(plans)
    if any(plan.provider_id != item.provider_id for plan in plan_list):
        raise ContentError(_("Formule introuvable."))
    grant(item, [f"{audiences.PLAN.prefix}:{plan.pk}" for plan in plan_list], by_app="content")


def grant(item: LibraryItem, audience_keys: Iterable[str], by_app: str) -> None:
    """Open the item to audiences; how training registers its own (`training.cohort:3`)."""
    for key in audience_keys:
        AccessGrant.objects.get_or_create(
            item=item, audience=key, defaults={"granted_by_app": by_app}
        )


def store_upload(
    *, now: datetime, actor: Person, provider: Provider, name: str, stream: IO[bytes]
) -> Upload:
    return uploads.store(now=now, actor=actor, provider=provider, name=name, stream=stream)


def attach_file(
    *, now: datetime, actor: Person, item: LibraryItem, name: str, stream: IO[bytes]
) -> LibraryItem:
    """Replace the item's file or link by an uploaded file (validated by `uploads`)."""
    _require_manager(actor, item.provider_id)
    upload = uploads.store(now=now, actor=actor, provider=item.provider, name=name, stream=stream)
    item.upload, item.url = upload, ""
    item.save(update_fields=["upload", "url"])
    audit.record("library_item.file_attached", item, actor=actor, provider=item.provider)
    return item


# Spaces and posts ---------------------------------------------------------------------


def open_team_space(
    *, now: datetime, actor: Person, subscription: Subscription, title: str
) -> Space:
    _require_manager(actor, subscription.provider_id)
    return Space.objects.create(
        provider_id=subscription.provider_id,
        kind=SpaceKind.TEAM,
        title=title,
        subscription=subscription,
        audience=f"{audiences.SUBSCRIPTION.prefix}:{subscription.pk}",
        created_at=now,
    )


def open_space(
    *, now: datetime, actor: Person, provider: Provider, kind: str, title: str, audience: str
) -> Space:
    """A space for any registered audience (a training cohort; later a coaching session)."""
    _require_manager(actor, provider.pk)
    return Space.objects.create(
        provider=provider, kind=kind, title=title, audience=audience, created_at=now
    )


def session_space(*, now: datetime, actor: Person, session: CoachingSession) -> Space:
    """The session's chat (art. 6.1 "chat"), opened the first time a participant or the
    coach asks for it: before, during and after the session, only they see it."""
    is_coach = session.coach.person_id == actor.pk
    if not is_coach and not session.participants.filter(person=actor).exists():
        raise NotAllowedHere(_("Espace introuvable."))
    audience = f"{audiences.COACHING_SESSION.prefix}:{session.pk}"
    space = Space.objects.filter(provider_id=session.provider_id, audience=audience).first()
    if space is None:
        # A stored title, the same for everyone: the coach and the numeric date and hour.
        when = format_datetime(session.starts_at, contract_zone(), "fr", "short")
        title = f"{session.coach} · {when}"
        space = Space.objects.create(
            provider_id=session.provider_id,
            kind=SpaceKind.SESSION,
            title=title,
            subscription=session.subscription,
            audience=audience,
            created_at=now,
        )
    return space


def _clean_body(body: str, kind: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ContentError(_("Le message est vide."))
    limit = CHAT_MAX_CHARS if kind == PostKind.CHAT else POST_MAX_CHARS
    if len(body) > limit:
        raise ContentError(
            _("Message trop long (%(limit)s caractères au plus).") % {"limit": limit}
        )
    return body


def post(
    *,
    now: datetime,
    actor: Person,
    space: Space,
    body: str,
    kind: str = PostKind.THREAD,
    parent: Post | None = None,
) -> Post:
    """Post in a space the actor sees. A reply to a reply joins its thread's opening post."""
    if not visible_spaces(actor, now).filter(pk=space.pk).exists():
        raise NotAllowedHere(_("Espace introuvable."))
    if kind not in PostKind.values:
        raise ContentError(_("Type de message inconnu."))
    if parent is not None:
        if parent.space_id != space.pk or parent.kind != PostKind.THREAD:
            raise ContentError(_("Discussion introuvable."))
        if kind != PostKind.THREAD:
            raise ContentError(_("On ne répond pas à une discussion par le chat."))
        parent = parent.parent or parent
    created = Post.objects.create(
        space=space,
        kind=kind,
        parent=parent,
        author=actor,
        body=_clean_body(body, kind),
        created_at=now,
    )
    if kind == PostKind.THREAD:
        notify_immediately(created, now)
    return created


def edit(*, now: datetime, actor: Person, target: Post, body: str) -> Post:
    """Only the author edits a post, and not once the moderators have hidden it."""
    if target.author_id != actor.pk:
        raise NotAllowedHere(_("Seul son auteur peut modifier un message."))
    if target.hidden_at is not None:
        raise ContentError(_("Ce message a été masqué par la modération."))
    target.body = _clean_body(body, target.kind)
    target.edited_at = now
    target.save(update_fields=["body", "edited_at"])
    return target


def hide(*, now: datetime, actor: Person, target: Post, reason: str) -> Post:
    """Moderation by the provider's owner or coaches: the post stays, its text is hidden."""
    _require_manager(actor, target.space.provider_id)
    target.hidden_at, target.hidden_by, target.hidden_reason = now, actor, reason[:200]
    target.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit.record(
        "post.hidden",
        target,
        actor=actor,
        provider=target.space.provider,
        details={"reason": reason[:200]},
    )
    return target


def thread(space: Space) -> list[tuple[Post, list[Post]]]:
    """The space's threads, newest first, each with its replies in order."""
    posts = list(
        space.posts.filter(kind=PostKind.THREAD)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    replies: dict[int, list[Post]] = {}
    for item in posts:
        if item.parent_id is not None:
            replies.setdefault(item.parent_id, []).append(item)
    roots = [item for item in posts if item.parent_id is None]
    roots.reverse()
    return [(root, replies.get(root.pk, [])) for root in roots]


def chat(space: Space, limit: int = 200) -> list[Post]:
    """The latest chat lines, oldest first."""
    latest = (
        space.posts.filter(kind=PostKind.CHAT)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
    return list(reversed(latest[:limit]))


# Notifications ------------------------------------------------------------------------


def set_notification_mode(person: Person, mode: str) -> NotificationSetting:
    if mode not in NotifyMode.values:
        raise ContentError(_("Préférence inconnue."))
    setting, _created = NotificationSetting.objects.update_or_create(
        person=person, defaults={"mode": mode}
    )
    return setting


def space_members(space: Space, now: datetime) -> QuerySet[Person]:
    """Who takes part at `now`: the audience's people (a subscription's until its access
    window closes, art. 7.2.2), and the provider's owner and coaches."""
    staff = (
        Membership.objects.active()
        .staff()
        .filter(provider_id=space.provider_id, role__in=CONTENT_ROLES)
    )
    return Person.objects.filter(is_active=True).filter(
        pk__in=list(audiences.members_of(space.audience, now).values_list("pk", flat=True))
        + list(staff.values_list("person_id", flat=True))
    )


def _modes(people: Iterable[Person]) -> dict[int, str]:
    ids = [person.pk for person in people]
    return dict(
        NotificationSetting.objects.filter(person_id__in=ids).values_list("person_id", "mode")
    )


def notify_immediately(created: Post, now: datetime) -> int:
    """One message per member who asked for each post, never to its author."""
    space = created.space
    people = list(space_members(space, now).exclude(pk=created.author_id))
    modes = _modes(people)
    drafts = [
        outbox.Draft(
            template="content_post",
            to_email=person.email,
            language=person.language,
            context={
                "provider": space.provider.legal_name,
                "space": space.title,
                "author": str(created.author),
                "excerpt": created.body[:300],
            },
            idempotency_key=f"content-post-{created.pk}-{person.pk}",
            provider=space.provider,
        )
        for person in people
        if modes.get(person.pk, NotifyMode.DIGEST) == NotifyMode.IMMEDIATE
    ]
    return outbox.enqueue_many(drafts, now)


def send_digests(now: datetime) -> int:
    """The daily digest (a scheduler job): for each member who chose it (the default),
    the posts of others in their spaces since their last digest. Returns messages queued."""
    since = now - DIGEST_EVERY * 2
    spaces = Space.objects.filter(posts__created_at__gt=since).distinct().select_related("provider")
    people: dict[int, Person] = {}
    for space in spaces:
        for person in space_members(space, now):
            people[person.pk] = person
    modes = _modes(people.values())
    watermarks = dict(
        NotificationSetting.objects.filter(person_id__in=people).values_list(
            "person_id", "digest_sent_until"
        )
    )
    queued = 0
    for person in people.values():
        if modes.get(person.pk, NotifyMode.DIGEST) != NotifyMode.DIGEST:
            continue
        start = watermarks.get(person.pk) or now - DIGEST_EVERY
        if now - start < DIGEST_EVERY:
            continue
        fresh = (
            Post.objects.filter(
                space__in=visible_spaces(person, now),
                created_at__gt=start,
                created_at__lte=now,
                hidden_at__isnull=True,
            )
            .exclude(author=person)
            .select_related("space")
        )
        counts: dict[str, int] = {}
        for item in fresh:
            counts[item.space.title] = counts.get(item.space.title, 0) + 1
        if counts:
            outbox.enqueue(
                template="content_digest",
                to_email=person.email,
                language=person.language,
                context={"spaces": sorted(counts.items()), "total": sum(counts.values())},
                idempotency_key=f"content-digest-{person.pk}-{now.isoformat()}",
                now=now,
            )
            queued += 1
        NotificationSetting.objects.update_or_create(
            person=person, defaults={"digest_sent_until": now}
        )
    return queued


# Challenges ---------------------------------------------------------------------------


def set_challenge(
    *,
    now: datetime,
    actor: Person,
    subscription: Subscription,
    title: str,
    instructions: str,
    due_on: Any,
) -> Challenge:
    _require_manager(actor, subscription.provider_id)
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise ContentError(_("L'abonnement n'est pas actif."))
    challenge = Challenge(
        provider_id=subscription.provider_id,
        subscription=subscription,
        title=title,
        instructions=instructions,
        due_on=due_on,
        created_by=actor,
        created_at=now,
    )
    challenge.full_clean()
    challenge.save()
    return challenge


def submit(
    *,
    now: datetime,
    actor: Person,
    challenge: Challenge,
    text: str,
    file_name: str = "",
    stream: IO[bytes] | None = None,
) -> Submission:
    """A collaborator hands in an answer; again before feedback replaces it. Late when
    handed in after the due day in the contract's zone (rules.is_late)."""
    if challenge.subscription.client_id not in client_ids(actor):
        raise NotAllowedHere(_("Seuls les collaborateurs du client rendent un défi."))
    text = (text or "").strip()
    if not text:
        raise ContentError(_("La réponse est vide."))
    zone = contract_zone(pack_of(challenge.subscription))
    existing = Submission.objects.filter(challenge=challenge, author=actor).first()
    if existing is not None and existing.feedback_at is not None:
        raise ContentError(_("Le coach a déjà répondu à ce rendu."))
    upload = None
    if stream is not None:
        upload = uploads.store(
            now=now, actor=actor, provider=challenge.provider, name=file_name, stream=stream
        )
    fields = {
        "text": text,
        "submitted_at": now,
        "late": rules.is_late(challenge.due_on, now, zone),
    }
    if upload is not None or existing is None:
        fields["upload"] = upload
    try:
        with transaction.atomic():
            submission, _created = Submission.objects.update_or_create(
                challenge=challenge, author=actor, defaults=fields
            )
    except IntegrityError as exc:  # two tabs submitting at once
        raise ContentError(_("Rendu déjà enregistré, réessayez.")) from exc
    return submission


def give_feedback(
    *, now: datetime, actor: Person, submission: Submission, feedback: str
) -> Submission:
    _require_manager(actor, submission.challenge.provider_id)
    feedback = (feedback or "").strip()
    if not feedback:
        raise ContentError(_("Le retour est vide."))
    submission.feedback, submission.feedback_by, submission.feedback_at = feedback, actor, now
    submission.save(update_fields=["feedback", "feedback_by", "feedback_at"])
    return submission
