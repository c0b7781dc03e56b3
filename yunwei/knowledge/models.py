"""Knowledge base: the FAQ manual (常见问题解决手册), fault case library (故障案例库), the
environment-assurance and data-problem knowledge bases, and operation manuals.

Data scope: a published article is visible to every user who may view articles. Drafts and
articles under review are visible to their author and reviewer, and to editors (users who may
change or review articles) whose organisation subtree holds the article's organisation, or,
for vendor editors, whose vendor serves one of the article's systems.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yunwei.core.querysets import RestrictedQuerySet, permission_name
from yunwei.knowledge.choices import ArticleKind, ArticleStatus, SearchSource


class Category(models.Model):
    """A node of the category tree (业务域 → 系统 → 问题类别)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    description = models.TextField(_("description"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="knowledge_category_unique_name"
            )
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("knowledge:article_list") + f"?category={self.pk}"

    def ancestors(self) -> list["Category"]:
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.insert(0, node)
            seen.add(node.pk)
            node = node.parent
        return chain

    @property
    def full_name(self) -> str:
        return " / ".join([c.name for c in self.ancestors()] + [self.name])

    def descendant_ids(self) -> list[int]:
        """This category and every category below it (one query per level)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                Category.objects.filter(parent_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.pk and self.parent_id:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
                node = node.parent


class ArticleQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        if user.is_superuser or user.has_full_data_scope:
            return self
        condition = Q(author=user) | Q(reviewer=user)
        is_editor = user.has_perm("knowledge.change_article") or user.has_perm(
            "knowledge.review_article"
        )
        if is_editor:
            if user.organisation_id:
                condition |= Q(organisation__path__startswith=user.scope_path)
            if user.vendor_id:
                served = Article.objects.filter(systems__vendors=user.vendor_id).values("pk")
                condition |= Q(pk__in=served)
        if action == "view":
            condition |= Q(status=ArticleStatus.PUBLISHED)
        return self.filter(condition)

    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED)


class Article(models.Model):
    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        blank=True,
        help_text=_("A stable short name; left blank, one is given (KB00042)."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("body"), help_text=_("Plain text; blank lines separate paragraphs, “- ” starts a list.")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.FAQ
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    systems = models.ManyToManyField(
        "cmdb.System", verbose_name=_("systems"), blank=True, related_name="articles"
    )
    tags = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Words users may search with, separated by commas (同义词、俗称、报错码)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
        editable=False,
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="knowledge_reviews",
        editable=False,
    )
    review_note = models.TextField(_("review note"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("source ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_articles",
        editable=False,
    )
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    unhelpful_count = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()
    scope_org_field = "organisation"

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        permissions = [
            ("review_article", _("Can review knowledge articles")),
            ("publish_article", _("Can publish knowledge articles")),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="knowledge_article_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:article", args=[self.pk])

    @property
    def tag_list(self) -> list[str]:
        import re

        return [t for t in (p.strip() for p in re.split(r"[,，、;；\s]+", self.tags)) if t]

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class ArticleVersion(models.Model):
    """The text of an article as saved: one row per save, numbered from 1."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("change note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_field = "article__organisation"

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="knowledge_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.article} v{self.number}"

    def get_absolute_url(self):
        return reverse("knowledge:article_version", args=[self.article_id, self.number])


class Vote(models.Model):
    """One user's "was this helpful?" answer on one article (changeable, one per user)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="knowledge_votes",
    )
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="knowledge_vote_one_per_user")
        ]

    def __str__(self):
        return f"{self.user} → {self.article}: {'+' if self.helpful else '-'}"


class SearchDocument(models.Model):
    """One searchable object (article or ticket) in the full-text index.

    Its words live in ``SearchPosting`` rows (see ``yunwei.knowledge.search``). The scope
    fields let the search filter in SQL: ``organisation_path`` (org subtree), ``system_id``,
    ``vendor_ids`` and ``user_ids`` (",3,7," lists of vendors serving the object and of users
    who always see it).
    """

    source = models.CharField(_("source"), max_length=20, choices=SearchSource.choices)
    object_id = models.BigIntegerField(_("object id"))
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    is_public = models.BooleanField(default=False)
    organisation_path = models.CharField(max_length=255, blank=True, db_index=True)
    system_id = models.BigIntegerField(null=True, blank=True)
    vendor_ids = models.CharField(max_length=255, blank=True)
    user_ids = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id"], name="knowledge_searchdocument_unique"
            )
        ]

    def __str__(self):
        return f"{self.source}:{self.object_id} {self.title}"


class SearchPosting(models.Model):
    """One word of one document with its precomputed weight (``impact``): the inverted index.

    The index on (term, impact desc, document desc) gives each word's best documents first, so
    a query reads a few rows per word instead of every document holding it."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="postings", db_index=False
    )
    term = models.CharField(max_length=64)
    impact = models.FloatField()

    class Meta:
        verbose_name = _("search posting")
        verbose_name_plural = _("search postings")
        indexes = [
            models.Index(fields=["term", "-impact", "-document"], name="knowledge_posting_best"),
            # Scoring the candidates (and cascading deletes) by document, word.
            models.Index(fields=["document", "term"], name="knowledge_posting_document"),
        ]

    def __str__(self):
        return f"{self.term} {self.document_id} {self.impact:.3f}"


class SearchTermStat(models.Model):
    """How many documents hold a word (its document frequency, for the word's rarity)."""

    term = models.CharField(max_length=64, primary_key=True)
    documents = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search term statistic")
        verbose_name_plural = _("search term statistics")

    def __str__(self):
        return f"{self.term}: {self.documents}"
