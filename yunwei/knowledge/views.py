"""Knowledge pages: article list (filters + ranked, highlighted hits), detail with workflow
buttons, versions and diff, add/edit, category tree, search across articles and tickets, and
the htmx suggestion list used by the new-ticket form."""

import difflib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from yunwei.knowledge import actions, filtersets, forms, tables
from yunwei.knowledge.choices import ArticleStatus, SearchSource
from yunwei.knowledge.models import Article, ArticleVersion, Category, Vote
from yunwei.knowledge.search import search, similar
from yunwei.utilities.views import ObjectDetailView, ObjectEditView, ObjectListView


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- articles ---------------------------------------------------------------------------------


class ArticleListView(ObjectListView):
    queryset = Article.objects.select_related("category__parent", "author").prefetch_related(
        "systems"
    )
    filterset = filtersets.ArticleFilterSet
    table = tables.ArticleTable
    template_name = "knowledge/article_list.html"
    title = gettext_lazy("Knowledge base")

    def get(self, request):
        if not request.user.has_perm("knowledge.view_article"):
            raise PermissionDenied
        queryset = self.get_queryset(request)
        filterset = self.filterset(request.GET, queryset=queryset, request=request)
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
        table = self.table(queryset)
        if request.GET.get("export") == "xlsx":
            return self.export(table)
        RequestConfig(
            request, paginate={"per_page": int(request.GET.get("per_page", 50))}
        ).configure(table)
        query = request.GET.get("q", "").strip()
        hits = None
        if query and filterset.is_valid():
            allowed = set(queryset.values_list("pk", flat=True))
            hits = search(
                request.user, query, kinds=["article"], limit=50, object_ids={"article": allowed}
            )
        return render(
            request,
            self.template_name,
            {
                "model": Article,
                "title": self.title,
                "table": table,
                "filter_form": filterset.form,
                "hits": hits,
                "query": query,
                "can_add": request.user.has_perm("knowledge.add_article"),
                "add_url": "knowledge:article_add",
            },
        )


def _writers(article: Article) -> set[int]:
    writers = {article.author_id}
    writers.update(
        article.versions.filter(number=article.version).values_list("author_id", flat=True)
    )
    return writers


class ArticleView(ObjectDetailView):
    queryset = Article.objects.select_related(
        "category__parent", "author", "reviewer", "organisation", "source_ticket"
    )
    template_name = "knowledge/article.html"

    def get_extra_context(self, request, instance):
        user = request.user
        status = instance.status
        can_change = Article.objects.restrict(user, "change").filter(pk=instance.pk).exists()
        not_writer = user.pk not in _writers(instance)
        vote = Vote.objects.filter(article=instance, user=user).first()
        return {
            "versions": instance.versions.select_related("author").order_by("-number"),
            "can_change": can_change and status != ArticleStatus.ARCHIVED,
            "can_submit": can_change and status == ArticleStatus.DRAFT,
            "can_review": status == ArticleStatus.PENDING
            and user.has_perm("knowledge.review_article")
            and not_writer,
            "can_publish": status == ArticleStatus.REVIEWED
            and user.has_perm("knowledge.publish_article")
            and not_writer,
            "can_archive": status != ArticleStatus.ARCHIVED
            and user.has_perm("knowledge.publish_article"),
            "is_writer": not not_writer,
            "can_vote": status == ArticleStatus.PUBLISHED,
            "my_vote": vote,
            "review_form": forms.ReviewForm(),
            "delete_url": None,
        }


class ArticleEditView(ObjectEditView):
    queryset = Article.objects.all()
    form = forms.ArticleForm

    def get_object(self, request, pk):
        instance = super().get_object(request, pk)
        if pk is not None and instance.status == ArticleStatus.ARCHIVED:
            raise PermissionDenied
        return instance

    def save_action(self, form, request):
        data = dict(form.cleaned_data)
        note = data.pop("note", "")
        systems = list(data.pop("systems", []))
        instance = form.instance
        if instance.pk is None:
            return actions.do_create_article(actor=request.user, note=note, systems=systems, **data)
        if not data.get("organisation"):
            data.pop("organisation", None)
        return actions.do_update_article(
            instance, actor=request.user, note=note, systems=systems, **data
        )

    def post(self, request, pk=None):
        instance = self.get_object(request, pk)
        form = self.form(request.POST, instance=instance, user=request.user)
        if form.is_valid():
            try:
                saved = self.save_action(form, request)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Saved “%(obj)s”.") % {"obj": saved})
                return redirect(saved.get_absolute_url())
        messages.error(request, _("Please correct the errors below."))
        return self.render_form(request, form, instance)


class ArticleActionView(LoginRequiredMixin, View):
    """POST-only workflow buttons: submit, approve, reject, publish, archive, vote."""

    def post(self, request, pk, action):
        article = get_object_or_404(Article.objects.restrict(request.user, "view"), pk=pk)
        user = request.user
        note = request.POST.get("note", "")
        calls = {
            "submit": lambda: actions.do_submit_for_review(article, actor=user),
            "approve": lambda: actions.do_review(article, actor=user, approve=True, note=note),
            "reject": lambda: actions.do_review(article, actor=user, approve=False, note=note),
            "publish": lambda: actions.do_publish(article, actor=user),
            "archive": lambda: actions.do_archive(article, actor=user, reason=note),
            "helpful": lambda: actions.do_vote(article, actor=user, helpful=True),
            "unhelpful": lambda: actions.do_vote(article, actor=user, helpful=False),
        }
        if action not in calls:
            raise Http404
        done = {
            "submit": _("Submitted for review."),
            "approve": _("Approved."),
            "reject": _("Sent back to the author."),
            "publish": _("Published."),
            "archive": _("Archived."),
            "helpful": _("Thank you for your feedback."),
            "unhelpful": _("Thank you for your feedback."),
        }
        try:
            calls[action]()
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except PermissionDenied:
            messages.error(request, _("You are not allowed to do this."))
        else:
            messages.success(request, done[action])
        return redirect(article.get_absolute_url())


def _visible_article(request, pk) -> Article:
    return get_object_or_404(Article.objects.restrict(request.user, "view"), pk=pk)


class ArticleVersionView(LoginRequiredMixin, View):
    def get(self, request, pk, number):
        article = _visible_article(request, pk)
        version = get_object_or_404(article.versions.select_related("author"), number=number)
        return render(
            request, "knowledge/article_version.html", {"object": article, "version": version}
        )


def diff_lines(old: ArticleVersion, new: ArticleVersion) -> list[tuple[str, str]]:
    """A unified diff of two versions (title and body) as (css class, line) pairs."""
    before = [f"# {old.title}", "", *old.body.splitlines()]
    after = [f"# {new.title}", "", *new.body.splitlines()]
    lines = []
    for line in difflib.unified_diff(
        before, after, f"v{old.number}", f"v{new.number}", lineterm="", n=3
    ):
        if line.startswith(("+++", "---")):
            css = "meta"
        elif line.startswith("@@"):
            css = "hunk"
        elif line.startswith("+"):
            css = "added"
        elif line.startswith("-"):
            css = "removed"
        else:
            css = "same"
        lines.append((css, line))
    return lines


class ArticleDiffView(LoginRequiredMixin, View):
    """``?from=1&to=3``; by default the previous version against the current one."""

    def get(self, request, pk):
        article = _visible_article(request, pk)
        try:
            to_number = int(request.GET.get("to") or article.version)
            from_number = int(request.GET.get("from") or max(1, to_number - 1))
        except ValueError as exc:
            raise Http404 from exc
        old = get_object_or_404(article.versions, number=from_number)
        new = get_object_or_404(article.versions, number=to_number)
        return render(
            request,
            "knowledge/article_diff.html",
            {
                "object": article,
                "old": old,
                "new": new,
                "lines": diff_lines(old, new),
                "numbers": list(
                    article.versions.order_by("number").values_list("number", flat=True)
                ),
            },
        )


class ArticleFromTicketView(LoginRequiredMixin, View):
    """POST: write a draft from a solved ticket and open it for editing."""

    def post(self, request, ticket_pk):
        from django.apps import apps

        if not apps.is_installed("yunwei.tickets"):
            raise Http404
        Ticket = apps.get_model("tickets", "Ticket")
        ticket = get_object_or_404(Ticket.objects.restrict(request.user, "view"), pk=ticket_pk)
        try:
            article = actions.do_article_from_ticket(ticket, actor=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect(ticket.get_absolute_url())
        except PermissionDenied:
            messages.error(request, _("You are not allowed to do this."))
            return redirect(ticket.get_absolute_url())
        messages.success(request, _("A draft article was written from the ticket; check it."))
        return redirect("knowledge:article_edit", article.pk)


# --- categories -------------------------------------------------------------------------------


class CategoryTreeView(LoginRequiredMixin, View):
    def get(self, request):
        if not request.user.has_perm("knowledge.view_category"):
            raise PermissionDenied
        visible = Article.objects.restrict(request.user, "view")
        counts = dict(
            visible.values("category").annotate(n=Count("pk")).values_list("category", "n")
        )
        categories = list(Category.objects.restrict(request.user, "view"))
        children: dict = {}
        for category in categories:
            children.setdefault(category.parent_id, []).append(category)

        def walk(parent_id, depth):
            rows = []
            for category in children.get(parent_id, []):
                below = walk(category.pk, depth + 1)
                total = counts.get(category.pk, 0) + sum(r["own"] for r in below)
                rows.append({"category": category, "depth": depth, "own": total})
                rows.extend(below)
            return rows

        return render(
            request,
            "knowledge/category_tree.html",
            {
                "rows": walk(None, 0),
                "uncategorised": counts.get(None, 0),
                "can_add": request.user.has_perm("knowledge.add_category"),
                "can_change": request.user.has_perm("knowledge.change_category"),
            },
        )


class CategoryView(LoginRequiredMixin, View):
    def get(self, request, pk):
        category = get_object_or_404(Category.objects.restrict(request.user, "view"), pk=pk)
        return redirect(category.get_absolute_url())


class CategoryEditView(ObjectEditView):
    queryset = Category.objects.all()
    form = forms.CategoryForm

    def post(self, request, pk=None):
        instance = self.get_object(request, pk)
        form = self.form(request.POST, instance=instance, user=request.user)
        if form.is_valid():
            from yunwei.core.actions import do_save_form

            try:
                do_save_form(form, actor=request.user)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Saved “%(obj)s”.") % {"obj": form.instance})
                return redirect("knowledge:category_list")
        return self.render_form(request, form, instance)


# --- search -----------------------------------------------------------------------------------


class SearchView(LoginRequiredMixin, View):
    """Search across published articles (and one's drafts) and the tickets one may see."""

    def get(self, request):
        query = request.GET.get("q", "").strip()
        source = request.GET.get("source", "")
        kinds = [source] if source in SearchSource.values else None
        hits = search(request.user, query, kinds=kinds, limit=30) if query else []
        return render(
            request,
            "knowledge/search.html",
            {
                "query": query,
                "source": source,
                "sources": SearchSource.choices,
                "hits": hits,
                "source_labels": dict(SearchSource.choices),
            },
        )


class SuggestView(LoginRequiredMixin, View):
    """htmx: ``?text=…`` (or ``title``/``description`` of a ticket form) → a short list of
    similar published articles and tickets."""

    def get(self, request):
        text = request.GET.get("text") or " ".join(
            request.GET.get(key, "") for key in ("title", "description")
        )
        hits = similar(request.user, text.strip(), limit=5)
        return render(
            request,
            "knowledge/suggest.html",
            {"hits": hits, "source_labels": dict(SearchSource.choices)},
        )


def articles_waiting_for_review(user):
    """Articles ``user`` could review now (not written by them)."""
    if not user.has_perm("knowledge.review_article"):
        return Article.objects.none()
    return (
        Article.objects.restrict(user, "view")
        .filter(status__in=[ArticleStatus.PENDING, ArticleStatus.REVIEWED])
        .exclude(Q(author=user))
        .order_by("submitted_at")
    )
