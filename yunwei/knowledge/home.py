"""The knowledge base's part of the home page: recently published articles, and for reviewers
the articles waiting for their review or publication."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yunwei.core.home import HomeItem, HomeSection
from yunwei.knowledge.choices import ArticleKind, ArticleStatus
from yunwei.knowledge.models import Article


def sections(user) -> list[HomeSection]:
    if not user.has_perm("knowledge.view_article"):
        return []
    from yunwei.knowledge.views import articles_waiting_for_review

    found = []
    if user.has_perm("knowledge.review_article"):
        waiting = articles_waiting_for_review(user)[:8]
        found.append(
            HomeSection(
                _("Articles waiting for my review"),
                _("No article is waiting for review."),
                [
                    HomeItem(
                        a.title,
                        a.get_absolute_url(),
                        ArticleStatus(a.status).label,
                        ArticleStatus.color(a.status),
                    )
                    for a in waiting
                ],
                more_url=reverse("knowledge:article_list") + "?status=pending",
                order=45,
            )
        )
    recent = (
        Article.objects.restrict(user, "view")
        .filter(status=ArticleStatus.PUBLISHED)
        .order_by("-published_at")[:6]
    )
    found.append(
        HomeSection(
            _("Recently published articles"),
            _("No article has been published yet."),
            [
                HomeItem(
                    a.title,
                    a.get_absolute_url(),
                    f"{ArticleKind(a.kind).label} · {timezone.localtime(a.published_at):%m-%d}",
                    ArticleKind.color(a.kind),
                )
                for a in recent
            ],
            more_url=reverse("knowledge:article_list") + "?status=published",
            order=60,
        )
    )
    return found
