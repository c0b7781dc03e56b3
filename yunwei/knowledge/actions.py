"""State changes of the knowledge base. Views, API, demo data and tests all call these.

Workflow: draft → (submit) → pending → (review: approve) → reviewed → (publish) → published →
(archive) → archived; a rejected review sends the article back to draft with the reviewer's
note. Every save of the text is a new numbered version. Editing an article that is under
review, reviewed or published sends it back to draft: what readers see has always been
reviewed by someone other than its writers. Separation of duties is checked here on user ids,
with no exemption for superusers: the author of the article, and the author of its current
version, may neither review nor publish it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yunwei.core import audit
from yunwei.core.notify import notify
from yunwei.knowledge import search
from yunwei.knowledge.choices import ArticleKind, ArticleStatus
from yunwei.knowledge.models import Article, ArticleVersion, Vote

EDITABLE_FIELDS = ("title", "body", "kind", "category", "tags", "code", "organisation")


def _require(actor, permission: str) -> None:
    if actor is None or not actor.is_authenticated or not actor.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to do this."))


def _snapshot(article: Article) -> dict:
    data = audit.snapshot(article)
    data["systems"] = sorted(article.systems.values_list("pk", flat=True)) if article.pk else []
    return data


def _record(action: str, article: Article, *, actor, before=None) -> None:
    audit.record(
        f"knowledge.article.{action}",
        actor=actor,
        obj=article,
        before=before,
        after=_snapshot(article),
    )


def _check_not_writer(article: Article, actor, what: str) -> None:
    writers = {article.author_id}
    current = article.versions.filter(number=article.version).values_list("author_id", flat=True)
    writers.update(current)
    if actor.pk in writers:
        raise ValidationError(
            _("You wrote this article, so you cannot %(what)s it; ask another reviewer.")
            % {"what": what}
        )


def _check_status(article: Article, *allowed: str) -> None:
    if article.status not in allowed:
        raise ValidationError(
            _("This cannot be done while the article is “%(status)s”.")
            % {"status": ArticleStatus(article.status).label}
        )


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _new_version(article: Article, *, actor, note: str) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        author=actor,
        note=note[:200],
    )


def _reviewers(article: Article):
    """Active users who may review ``article`` (by role and organisation), except its author."""
    from yunwei.core.models import User

    candidates = (
        User.objects.filter(
            is_active=True,
            roles__permissions__codename="review_article",
            roles__permissions__content_type__app_label="knowledge",
        )
        .exclude(pk=article.author_id)
        .select_related("organisation")
        .distinct()
    )
    path = article.organisation.path
    return [
        user
        for user in candidates
        if user.has_full_data_scope or (user.organisation and path.startswith(user.scope_path))
    ]


def do_create_article(
    *,
    actor,
    title: str,
    body: str,
    kind: str = ArticleKind.FAQ,
    organisation=None,
    category=None,
    systems=(),
    tags: str = "",
    code: str = "",
    source_ticket=None,
    note: str = "",
) -> Article:
    """A new draft (version 1) written by ``actor``."""
    _require(actor, "knowledge.add_article")
    organisation = organisation or getattr(actor, "organisation", None)
    if organisation is None:
        raise ValidationError(_("The article needs an organisation."))
    with transaction.atomic():
        article = Article(
            title=(title or "").strip(),
            body=(body or "").strip(),
            kind=kind,
            organisation=organisation,
            category=category,
            tags=tags,
            code=code.strip(),
            source_ticket=source_ticket,
            author=actor,
            status=ArticleStatus.DRAFT,
            version=1,
        )
        article.full_clean(exclude=["code"] if not article.code else None)
        article.save()
        if not article.code:
            article.code = f"KB{article.pk:05d}"
            article.save(update_fields=["code"])
        article.systems.set(systems)
        _new_version(article, actor=actor, note=note or _("Created"))
        _record("create", article, actor=actor)
        search.index_object(article)
    return article


def do_update_article(article: Article, *, actor, note: str = "", systems=None, **fields):
    """Save new text or details; every save that changes something is a new version.

    An article under review, reviewed or published goes back to draft."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    _require(actor, "knowledge.change_article")
    if not Article.objects.restrict(actor, "change").filter(pk=article.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        article = _locked(article)
        _check_status(
            article,
            ArticleStatus.DRAFT,
            ArticleStatus.PENDING,
            ArticleStatus.REVIEWED,
            ArticleStatus.PUBLISHED,
        )
        before = _snapshot(article)
        for key, value in fields.items():
            if key in ("title", "body") and isinstance(value, str):
                value = value.strip()
            setattr(article, key, value)
        new_systems = None
        if systems is not None:
            new_systems = sorted(s.pk for s in systems)
        after = audit.snapshot(article)
        changed = any(before.get(k) != after.get(k) for k in fields) or (
            new_systems is not None and new_systems != before["systems"]
        )
        if not changed:
            return article
        article.full_clean()
        was = article.status
        if was != ArticleStatus.DRAFT:
            article.status = ArticleStatus.DRAFT
            article.reviewer = None
            article.reviewed_at = None
        article.version += 1
        article.save()
        if systems is not None:
            article.systems.set(systems)
        _new_version(article, actor=actor, note=note)
        _record("update", article, actor=actor, before=before)
        search.index_object(article)
    return article


def do_submit_for_review(article: Article, *, actor) -> Article:
    _require(actor, "knowledge.change_article")
    if not Article.objects.restrict(actor, "change").filter(pk=article.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        article = _locked(article)
        _check_status(article, ArticleStatus.DRAFT)
        before = _snapshot(article)
        article.status = ArticleStatus.PENDING
        article.submitted_at = timezone.now()
        article.review_note = ""
        article.save()
        _record("submit", article, actor=actor, before=before)
        search.index_object(article)
        reviewers = _reviewers(article)
        if reviewers:
            notify(
                "knowledge.review_requested",
                recipients=reviewers,
                title=_("Knowledge article waiting for review: %(title)s")
                % {"title": article.title},
                body=_("%(user)s submitted it for review.") % {"user": actor},
                url=article.get_absolute_url(),
                organisation=article.organisation,
                actor=actor,
            )
    return article


def do_review(article: Article, *, actor, approve: bool, note: str = "") -> Article:
    """Approve (→ reviewed) or reject (→ draft, with the reason in ``note``)."""
    _require(actor, "knowledge.review_article")
    if not Article.objects.restrict(actor, "view").filter(pk=article.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError(_("Say why the article is sent back."))
    with transaction.atomic():
        article = _locked(article)
        _check_status(article, ArticleStatus.PENDING)
        _check_not_writer(article, actor, _("review"))
        before = _snapshot(article)
        article.status = ArticleStatus.REVIEWED if approve else ArticleStatus.DRAFT
        article.reviewer = actor
        article.reviewed_at = timezone.now()
        article.review_note = note
        article.save()
        _record("approve" if approve else "reject", article, actor=actor, before=before)
        search.index_object(article)
        if article.author_id:
            notify(
                "knowledge.reviewed",
                recipients=[article.author],
                title=(
                    _("Your article was approved: %(title)s")
                    if approve
                    else _("Your article was sent back: %(title)s")
                )
                % {"title": article.title},
                body=note,
                url=article.get_absolute_url(),
                organisation=article.organisation,
                actor=actor,
            )
    return article


def do_publish(article: Article, *, actor) -> Article:
    _require(actor, "knowledge.publish_article")
    if not Article.objects.restrict(actor, "view").filter(pk=article.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        article = _locked(article)
        _check_status(article, ArticleStatus.REVIEWED)
        _check_not_writer(article, actor, _("publish"))
        before = _snapshot(article)
        article.status = ArticleStatus.PUBLISHED
        article.published_at = timezone.now()
        article.save()
        _record("publish", article, actor=actor, before=before)
        search.index_object(article)
        if article.author_id:
            notify(
                "knowledge.published",
                recipients=[article.author],
                title=_("Your article was published: %(title)s") % {"title": article.title},
                body="",
                url=article.get_absolute_url(),
                organisation=article.organisation,
                actor=actor,
            )
    return article


def do_archive(article: Article, *, actor, reason: str = "") -> Article:
    """Take an article out of use (outdated version, superseded). It stays readable to
    editors, with its history."""
    _require(actor, "knowledge.publish_article")
    if not Article.objects.restrict(actor, "view").filter(pk=article.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        article = _locked(article)
        _check_status(
            article,
            ArticleStatus.DRAFT,
            ArticleStatus.PENDING,
            ArticleStatus.REVIEWED,
            ArticleStatus.PUBLISHED,
        )
        before = _snapshot(article)
        article.status = ArticleStatus.ARCHIVED
        article.archived_at = timezone.now()
        article.review_note = (reason or "").strip()
        article.save()
        _record("archive", article, actor=actor, before=before)
        search.index_object(article)
    return article


def do_delete_article(article: Article, *, actor) -> None:
    """Delete a draft that was never published (published ones are archived instead)."""
    _require(actor, "knowledge.delete_article")
    if not Article.objects.restrict(actor, "delete").filter(pk=article.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    if article.published_at is not None or article.status != ArticleStatus.DRAFT:
        raise ValidationError(
            _("Only drafts that were never published can be deleted; archive this one.")
        )
    with transaction.atomic():
        audit.record(
            "knowledge.article.delete", actor=actor, obj=article, before=_snapshot(article)
        )
        search.remove_object(article)
        article.delete()


def do_vote(article: Article, *, actor, helpful: bool) -> Vote:
    """Record (or change) ``actor``'s "was this helpful?" answer on a published article."""
    if not Article.objects.restrict(actor, "view").filter(pk=article.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("Only published articles can be rated."))
    with transaction.atomic():
        article = _locked(article)
        vote, created = Vote.objects.get_or_create(
            article=article, user=actor, defaults={"helpful": bool(helpful)}
        )
        if not created and vote.helpful != bool(helpful):
            vote.helpful = bool(helpful)
            vote.save(update_fields=["helpful", "updated_at"])
        counts = Vote.objects.filter(article=article).aggregate(
            yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
        )
        Article.objects.filter(pk=article.pk).update(
            helpful_count=counts["yes"], unhelpful_count=counts["no"]
        )
        audit.record(
            "knowledge.article.vote",
            actor=actor,
            obj=article,
            after={
                "helpful": vote.helpful,
                "helpful_count": counts["yes"],
                "unhelpful_count": counts["no"],
            },
        )
    return vote


TICKET_KIND_TO_ARTICLE = {
    "fault": ArticleKind.FAULT_CASE,
    "bug": ArticleKind.FAULT_CASE,
    "data_fix": ArticleKind.DATA_PROBLEM,
}


def article_text_from_ticket(ticket) -> tuple[str, str, str]:
    """(title, body, kind) of the draft written from a solved ticket."""
    description = (getattr(ticket, "description", "") or "").strip()
    solution = (getattr(ticket, "solution", "") or "").strip()
    cause = getattr(ticket, "cause_category", "") or ""
    cause_label = ""
    if cause:
        display = getattr(ticket, "get_cause_category_display", None)
        cause_label = str(display()) if callable(display) else str(cause)
    symptom_label, cause_heading, solution_label = _("Symptom"), _("Cause"), _("Solution")
    sections = [f"{symptom_label}\n{description or '—'}"]
    if cause_label:
        sections.append(f"{cause_heading}\n{cause_label}")
    sections.append(f"{solution_label}\n{solution}")
    number = getattr(ticket, "number", "")
    if number:
        sections.append(_("Written from ticket %(number)s.") % {"number": number})
    kind = TICKET_KIND_TO_ARTICLE.get(getattr(ticket, "kind", ""), ArticleKind.FAQ)
    return ticket.title, "\n\n".join(sections), kind


def do_article_from_ticket(ticket, *, actor) -> Article:
    """A draft fault case (faults, bugs), data problem (data fixes) or FAQ (the rest) from a
    solved ticket, linked to it."""
    _require(actor, "knowledge.add_article")
    Ticket = type(ticket)
    if hasattr(Ticket.objects, "restrict") and (
        not Ticket.objects.restrict(actor, "view").filter(pk=ticket.pk).exists()
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    if not (getattr(ticket, "solution", "") or "").strip():
        raise ValidationError(_("The ticket has no solution yet; resolve it first."))
    existing = (
        Article.objects.filter(source_ticket_id=ticket.pk)
        .exclude(status=ArticleStatus.ARCHIVED)
        .first()
    )
    if existing is not None:
        raise ValidationError(
            _("Article %(code)s was already written from this ticket.") % {"code": existing.code}
        )
    title, body, kind = article_text_from_ticket(ticket)
    system = getattr(ticket, "system", None)
    return do_create_article(
        actor=actor,
        title=title,
        body=body,
        kind=kind,
        organisation=getattr(actor, "organisation", None) or getattr(ticket, "organisation", None),
        systems=[system] if system is not None else [],
        source_ticket=ticket,
        note=_("Written from ticket %(number)s.") % {"number": getattr(ticket, "number", "")},
    )
