"""Generic views: every list, detail, edit, delete and import page has the same shape.

Views stay thin: they fetch through ``restrict()``, call an action, render.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from yunwei.core.querysets import permission_name
from yunwei.utilities.excel import build_workbook, xlsx_response
from yunwei.utilities.forms import ImportForm
from yunwei.utilities.paginator import paginator_for


def model_url(model, suffix: str) -> str:
    return f"{model._meta.app_label}:{model._meta.model_name}_{suffix}"


class ObjectListView(LoginRequiredMixin, View):
    queryset = None
    filterset = None
    table = None
    template_name = "generic/object_list.html"
    title = ""
    export_name = ""
    can_import = False

    def get_queryset(self, request):
        return self.queryset.restrict(request.user, "view")

    def get(self, request):
        model = self.queryset.model
        if not request.user.has_perm(permission_name(model, "view")):
            raise PermissionDenied
        queryset = self.get_queryset(request)
        filterset = (
            self.filterset(request.GET, queryset=queryset, request=request)
            if self.filterset
            else None
        )
        if filterset is not None:
            if filterset.is_valid():
                queryset = filterset.qs
            else:
                queryset = queryset.none()
        table = self.table(queryset)
        if request.GET.get("export") == "xlsx":
            return self.export(table)
        RequestConfig(
            request,
            paginate={"per_page": per_page(request), "paginator_class": paginator_for(request)},
        ).configure(table)
        context = {
            "model": model,
            "title": self.title or model._meta.verbose_name_plural,
            "table": table,
            "filter_form": filterset.form if filterset else None,
            "can_add": request.user.has_perm(permission_name(model, "add")),
            "can_import": self.can_import and request.user.has_perm(permission_name(model, "add")),
            "add_url": _safe_reverse(model_url(model, "add")),
            "import_url": _safe_reverse(model_url(model, "import")) if self.can_import else None,
        }
        return render(request, self.template_name, context)

    def export(self, table):
        columns = [c for c in table.columns if c.name not in ("actions",)]
        headers = [str(c.header) for c in columns]
        rows = ([row.get_cell_value(c.name) for c in columns] for row in table.rows)
        title = str(self.title or self.queryset.model._meta.verbose_name_plural)
        return xlsx_response(
            build_workbook(headers, rows, title), f"{self.export_name or title}.xlsx"
        )


def per_page(request, default: int = 50) -> int:
    """The ``per_page`` parameter, kept between 1 and 500."""
    try:
        return max(1, min(500, int(request.GET.get("per_page", default))))
    except ValueError:
        return default


def _safe_reverse(name, *args):
    try:
        return reverse(name, args=args or None)
    except Exception:
        return None


class ObjectDetailView(LoginRequiredMixin, View):
    queryset = None
    template_name = None
    attachments = False  # show the attachment panel (list, upload, delete)

    def get_object(self, request, pk, action="view"):
        return get_object_or_404(self.queryset.restrict(request.user, action), pk=pk)

    def get_extra_context(self, request, instance) -> dict:
        return {}

    def get(self, request, pk):
        instance = self.get_object(request, pk)
        model = self.queryset.model
        user = request.user
        context = {
            "object": instance,
            "model": model,
            "can_change": user.has_perm(permission_name(model, "change"))
            and self.queryset.restrict(user, "change").filter(pk=pk).exists(),
            "can_delete": user.has_perm(permission_name(model, "delete"))
            and self.queryset.restrict(user, "delete").filter(pk=pk).exists(),
            "list_url": _safe_reverse(model_url(model, "list")),
            "edit_url": _safe_reverse(model_url(model, "edit"), pk),
            "delete_url": _safe_reverse(model_url(model, "delete"), pk),
            **self.get_extra_context(request, instance),
        }
        if self.attachments:
            from yunwei.core.views.attachments import attachment_panel_context

            context.update(attachment_panel_context(request, instance))
        name = self.template_name or f"{model._meta.app_label}/{model._meta.model_name}.html"
        return render(request, name, context)


class ObjectEditView(LoginRequiredMixin, View):
    """Create (no pk) or edit (pk) through a RestrictedModelForm and ``save_action``."""

    queryset = None
    form = None
    template_name = "generic/object_edit.html"

    def save_action(self, form, request):
        from yunwei.core.actions import do_save_form

        return do_save_form(form, actor=request.user)

    def get_object(self, request, pk):
        model = self.queryset.model
        if pk is None:
            if not request.user.has_perm(permission_name(model, "add")):
                raise PermissionDenied
            return model()
        return get_object_or_404(self.queryset.restrict(request.user, "change"), pk=pk)

    def render_form(self, request, form, instance):
        return render(
            request,
            self.template_name,
            {"form": form, "object": instance, "model": self.queryset.model},
        )

    def get(self, request, pk=None):
        instance = self.get_object(request, pk)
        form = self.form(instance=instance, user=request.user, initial=request.GET.dict())
        return self.render_form(request, form, instance)

    def post(self, request, pk=None):
        instance = self.get_object(request, pk)
        form = self.form(request.POST, request.FILES, instance=instance, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_form(request, form, instance)
        saved = self.save_action(form, request)
        messages.success(request, _("Saved “%(obj)s”.") % {"obj": saved})
        return redirect(saved.get_absolute_url())


class ObjectDeleteView(LoginRequiredMixin, View):
    queryset = None
    template_name = "generic/object_delete.html"

    def get_object(self, request, pk):
        return get_object_or_404(self.queryset.restrict(request.user, "delete"), pk=pk)

    def get(self, request, pk):
        instance = self.get_object(request, pk)
        return render(
            request, self.template_name, {"object": instance, "model": self.queryset.model}
        )

    def post(self, request, pk):
        from yunwei.core.actions import do_delete_object

        instance = self.get_object(request, pk)
        try:
            do_delete_object(instance, actor=request.user)
        except ProtectedError:
            messages.error(
                request,
                _("“%(obj)s” is still referenced by other records and cannot be deleted.")
                % {"obj": instance},
            )
            return redirect(instance.get_absolute_url())
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": instance})
        return redirect(model_url(self.queryset.model, "list"))


class ObjectImportView(LoginRequiredMixin, View):
    """Upload an .xlsx; ``importer`` validates every row before writing anything."""

    queryset = None
    importer = None
    template_name = "generic/object_import.html"

    def check(self, request):
        if not request.user.has_perm(permission_name(self.queryset.model, "add")):
            raise PermissionDenied

    def context(self, **extra):
        model = self.queryset.model
        return {
            "model": model,
            "columns": self.importer.columns,
            "list_url": _safe_reverse(model_url(model, "list")),
            **extra,
        }

    def get(self, request):
        self.check(request)
        return render(request, self.template_name, self.context(form=ImportForm()))

    def post(self, request):
        self.check(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form))
        result = self.importer(actor=request.user).run(form.cleaned_data["file"])
        if result.ok:
            messages.success(
                request,
                _("Import finished: %(created)s created, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect(model_url(self.queryset.model, "list"))
        messages.error(request, _("Nothing was imported. Fix these problems and try again."))
        return render(
            request, self.template_name, self.context(form=ImportForm(), errors=result.errors)
        )


def crud_urls(prefix, model_name, list_view, detail, edit, delete=None, import_view=None):
    """The standard routes of one model: list, add, detail, edit, and optionally delete/import."""
    routes = [
        path(f"{prefix}/", list_view.as_view(), name=f"{model_name}_list"),
        path(f"{prefix}/add/", edit.as_view(), name=f"{model_name}_add"),
        path(f"{prefix}/<int:pk>/", detail.as_view(), name=model_name),
        path(f"{prefix}/<int:pk>/edit/", edit.as_view(), name=f"{model_name}_edit"),
    ]
    if delete is not None:
        routes.append(
            path(f"{prefix}/<int:pk>/delete/", delete.as_view(), name=f"{model_name}_delete")
        )
    if import_view is not None:
        routes.append(path(f"{prefix}/import/", import_view.as_view(), name=f"{model_name}_import"))
    return routes
