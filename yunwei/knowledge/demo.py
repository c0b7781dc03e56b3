"""The demo knowledge base (idempotent): the category tree and the published articles of
``demo_articles``, each written, reviewed and published through the real workflow."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from yunwei.knowledge import actions
from yunwei.knowledge.choices import ArticleStatus
from yunwei.knowledge.demo_articles import ARTICLES, CATEGORIES
from yunwei.knowledge.models import Article, Category

# Demo users who write (rotating) and who review; any other user fills in when absent.
AUTHORS = ("zx_tier1", "zx_tier2", "hk_dev", "zx_pm")
REVIEWERS = ("yw_owner", "zx_tier2")


def _categories() -> dict[tuple, Category]:
    found: dict[tuple, Category] = {}
    for path, sort_order in CATEGORIES:
        parent = found.get(path[:-1]) if len(path) > 1 else None
        category, _created = Category.objects.get_or_create(
            name=path[-1], parent=parent, defaults={"sort_order": sort_order}
        )
        found[path] = category
    return found


def _users(actor):
    from yunwei.core.models import User

    def able(username, permission):
        user = User.objects.filter(username=username, is_active=True).first()
        return user if user is not None and user.has_perm(permission) else None

    authors = [u for u in (able(n, "knowledge.add_article") for n in AUTHORS) if u] or [actor]
    reviewers = [u for u in (able(n, "knowledge.publish_article") for n in REVIEWERS) if u]
    if not reviewers:
        reviewers = [
            u
            for u in User.objects.filter(is_active=True).exclude(pk=actor.pk)
            if u.has_perm("knowledge.review_article") and u.has_perm("knowledge.publish_article")
        ][:1]
    return authors, reviewers


def load_demo_knowledge(*, actor) -> dict[str, Article]:
    """Create the demo categories and articles; returns the articles by code."""
    from yunwei.cmdb.models import System

    with transaction.atomic():
        categories = _categories()
        authors, reviewers = _users(actor)
        systems = {s.code: s for s in System.objects.all()}
        articles: dict[str, Article] = {}
        for index, (code, kind, category, system_codes, title, tags, body) in enumerate(ARTICLES):
            article = Article.objects.filter(code=code).first()
            if article is not None:
                articles[code] = article
                continue
            author = authors[index % len(authors)]
            reviewer = next((r for r in reviewers if r.pk != author.pk), None)
            if reviewer is None:
                raise ValidationError(
                    "The demo knowledge base needs a reviewer other than the authors."
                )
            article = actions.do_create_article(
                actor=author,
                code=code,
                title=title,
                body=body,
                kind=kind,
                category=categories[category],
                systems=[systems[c] for c in system_codes if c in systems],
                tags=tags,
                organisation=author.organisation or actor.organisation,
            )
            actions.do_submit_for_review(article, actor=author)
            actions.do_review(article, actor=reviewer, approve=True)
            article = actions.do_publish(article, actor=reviewer)
            articles[code] = article
    return articles


def demo_is_loaded() -> bool:
    codes = [a[0] for a in ARTICLES]
    return Article.objects.filter(Q(code__in=codes), status=ArticleStatus.PUBLISHED).count() == len(
        codes
    )
