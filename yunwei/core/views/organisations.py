"""Organisations, users, roles and vendors."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from yunwei.core import actions
from yunwei.core.filtersets import (
    OrganisationFilterSet,
    RoleFilterSet,
    UserFilterSet,
    VendorFilterSet,
)
from yunwei.core.forms import OrganisationForm, RoleForm, UserForm, VendorForm
from yunwei.core.importers import OrganisationImporter, UserImporter
from yunwei.core.models import Organisation, Role, User, Vendor
from yunwei.core.tables import OrganisationTable, RoleTable, UserTable, VendorTable
from yunwei.utilities import views as generic


# --- Organisations ---------------------------------------------------------------------------
class OrganisationListView(generic.ObjectListView):
    queryset = Organisation.objects.select_related("parent")
    filterset = OrganisationFilterSet
    table = OrganisationTable
    can_import = True


class OrganisationView(generic.ObjectDetailView):
    queryset = Organisation.objects.select_related("parent")

    def get_extra_context(self, request, instance):
        return {
            "ancestors": instance.ancestors(),
            "children": instance.children.restrict(request.user).order_by("sort_order", "code"),
            "users": instance.users.restrict(request.user).prefetch_related("roles")[:200],
        }


class OrganisationEditView(generic.ObjectEditView):
    queryset = Organisation.objects.all()
    form = OrganisationForm


class OrganisationDeleteView(generic.ObjectDeleteView):
    queryset = Organisation.objects.all()


class OrganisationImportView(generic.ObjectImportView):
    queryset = Organisation.objects.all()
    importer = OrganisationImporter


# --- Users -----------------------------------------------------------------------------------
class UserListView(generic.ObjectListView):
    queryset = User.objects.select_related("organisation", "vendor").prefetch_related("roles")
    filterset = UserFilterSet
    table = UserTable
    can_import = True


class UserView(generic.ObjectDetailView):
    queryset = User.objects.select_related("organisation", "vendor").prefetch_related("roles")
    template_name = "core/user.html"


class UserEditView(generic.ObjectEditView):
    queryset = User.objects.all()
    form = UserForm

    def save_action(self, form, request):
        password = form.cleaned_data.get("password1")
        data = {
            name: form.cleaned_data[name]
            for name in ("full_name", "organisation", "vendor", "phone", "email", "is_active")
        }
        roles = list(form.cleaned_data["roles"])
        if form.instance.pk is None:
            return actions.do_create_user(
                actor=request.user,
                username=form.cleaned_data["username"],
                password=password,
                roles=roles,
                **data,
            )
        user = form.instance
        for name, value in data.items():
            setattr(user, name, value)
        user.username = form.cleaned_data["username"]
        actions.do_save_object(user, actor=request.user, m2m={"roles": roles})
        if password:
            actions.do_set_password(user, password, actor=request.user)
        return user


class UserUnlockView(LoginRequiredMixin, View):
    def post(self, request, pk):
        user = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
        actions.do_unlock_user(user, actor=request.user)
        messages.success(request, _("The account was unlocked."))
        return redirect(user.get_absolute_url())


class UserImportView(generic.ObjectImportView):
    queryset = User.objects.all()
    importer = UserImporter


# --- Roles -----------------------------------------------------------------------------------
class RoleListView(generic.ObjectListView):
    queryset = Role.objects.prefetch_related("users")
    filterset = RoleFilterSet
    table = RoleTable


class RoleView(generic.ObjectDetailView):
    queryset = Role.objects.prefetch_related("permissions__content_type")

    def get_extra_context(self, request, instance):
        return {"members": instance.users.restrict(request.user).select_related("organisation")}


class RoleEditView(generic.ObjectEditView):
    queryset = Role.objects.all()
    form = RoleForm


class RoleDeleteView(generic.ObjectDeleteView):
    queryset = Role.objects.filter(is_builtin=False)


# --- Vendors ---------------------------------------------------------------------------------
class VendorListView(generic.ObjectListView):
    queryset = Vendor.objects.all()
    filterset = VendorFilterSet
    table = VendorTable


class VendorView(generic.ObjectDetailView):
    queryset = Vendor.objects.all()

    def get_extra_context(self, request, instance):
        context = {"staff": instance.users.restrict(request.user).select_related("organisation")}
        if hasattr(instance, "systems"):
            context["systems"] = instance.systems.restrict(request.user)
        return context


class VendorEditView(generic.ObjectEditView):
    queryset = Vendor.objects.all()
    form = VendorForm


class VendorDeleteView(generic.ObjectDeleteView):
    queryset = Vendor.objects.all()


urlpatterns = [
    *generic.crud_urls(
        "organisations",
        "organisation",
        OrganisationListView,
        OrganisationView,
        OrganisationEditView,
        OrganisationDeleteView,
        OrganisationImportView,
    ),
    *generic.crud_urls("users", "user", UserListView, UserView, UserEditView, None, UserImportView),
    path("users/<int:pk>/unlock/", UserUnlockView.as_view(), name="user_unlock"),
    *generic.crud_urls("roles", "role", RoleListView, RoleView, RoleEditView, RoleDeleteView),
    *generic.crud_urls(
        "vendors", "vendor", VendorListView, VendorView, VendorEditView, VendorDeleteView
    ),
]
