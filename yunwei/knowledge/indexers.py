"""What goes into the search index for articles and tickets (registered by ``apps.ready``)."""

from django.apps import apps
from django.db import DatabaseError, transaction

from yunwei.knowledge import search
from yunwei.knowledge.choices import ArticleStatus


def article_document(article) -> dict:
    systems = list(article.systems.all())
    vendor_ids = {v.pk for system in systems for v in system.vendors.all()}
    category = article.category.full_name if article.category_id else ""
    return {
        "title": article.title,
        "keywords": f"{article.tags} {article.code}",
        "body": article.body + (f"\n{category}" if category else ""),
        "kind": article.kind,
        "status": article.status,
        "is_public": article.status == ArticleStatus.PUBLISHED,
        "organisation_path": article.organisation.path if article.organisation_id else "",
        "system_id": systems[0].pk if systems else None,
        "vendor_ids": vendor_ids,
        "user_ids": [article.author_id, article.reviewer_id],
        "url": article.get_absolute_url(),
        "updated_at": article.updated_at,
    }


def article_queryset():
    from yunwei.knowledge.models import Article

    return Article.objects.select_related("organisation", "category__parent").prefetch_related(
        "systems__vendors"
    )


def article_scope(user):
    return search.fields_scope(
        user,
        "article",
        "knowledge.view_article",
        editor_permissions=("knowledge.change_article", "knowledge.review_article"),
    )


def ticket_document(ticket) -> dict:
    """Title, description and solution of a ticket (internal notes stay out), with the fields
    its scope needs: reporting organisation, system vendors, the team's vendor, and the
    reporter and assignee (who always see their tickets)."""
    system = getattr(ticket, "system", None)
    vendor_ids = {v.pk for v in system.vendors.all()} if system is not None else set()
    team = getattr(ticket, "team", None)
    if team is not None and getattr(team, "vendor_id", None):
        vendor_ids.add(team.vendor_id)
    organisation = getattr(ticket, "organisation", None)
    parts = [getattr(ticket, "description", "") or ""]
    solution = getattr(ticket, "solution", "") or ""
    if solution:
        parts.append(solution)
    try:
        url = ticket.get_absolute_url()
    except Exception:  # the tickets pages may not be installed yet
        url = ""
    return {
        "title": ticket.title,
        "keywords": getattr(ticket, "number", ""),
        "body": "\n".join(parts),
        "kind": getattr(ticket, "kind", ""),
        "status": getattr(ticket, "status", ""),
        "is_public": False,
        "organisation_path": organisation.path if organisation is not None else "",
        "system_id": getattr(ticket, "system_id", None),
        "vendor_ids": vendor_ids,
        "user_ids": [getattr(ticket, "reporter_id", None), getattr(ticket, "assignee_id", None)],
        "url": url,
        "updated_at": getattr(ticket, "updated_at", None),
    }


def ticket_queryset():
    Ticket = apps.get_model("tickets", "Ticket")
    return Ticket.objects.select_related("organisation", "system", "team").prefetch_related(
        "system__vendors"
    )


def _reindex_ticket(sender, instance, **kwargs):
    """Search index upkeep (infrastructure): a failure is logged and never breaks the save."""
    try:
        with transaction.atomic():
            search.index_object(instance)
    except DatabaseError:
        search.logger.exception("could not index ticket %s", instance.pk)


def _unindex_ticket(sender, instance, **kwargs):
    try:
        with transaction.atomic():
            search.remove_object(instance)
    except DatabaseError:
        search.logger.exception("could not remove ticket %s from the index", instance.pk)


def register() -> None:
    search.register_indexer(
        "knowledge.article",
        article_document,
        source="article",
        queryset=article_queryset,
        scope=article_scope,
    )
    if apps.is_installed("yunwei.tickets"):
        from django.db.models.signals import post_delete, post_save

        search.register_indexer(
            "tickets.ticket", ticket_document, source="ticket", queryset=ticket_queryset
        )
        Ticket = apps.get_model("tickets", "Ticket")
        post_save.connect(_reindex_ticket, sender=Ticket, dispatch_uid="knowledge.index_ticket")
        post_delete.connect(_unindex_ticket, sender=Ticket, dispatch_uid="knowledge.unindex_ticket")
