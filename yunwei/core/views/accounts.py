"""Log in/out, the home page and the user's own account."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from rest_framework.authtoken.models import Token

from yunwei.core import actions
from yunwei.core.forms import LoginForm, PasswordForm, ProfileForm
from yunwei.core.home import collect_sections


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.do_record_login(user=form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            actions.do_record_logout(user=request.user)
        return super().post(request, *args, **kwargs)


class HomeView(LoginRequiredMixin, View):
    def get(self, request):
        today = timezone.localdate()
        context = {"sections": collect_sections(request.user), "today": today}
        try:
            from yunwei.core import workcalendar

            context["day"] = workcalendar.day_info(today)
            first, last, _source = workcalendar.filing_period(today.year, today.month)
            context["filing_period"] = (first, last)
            context["in_filing_period"] = first <= today <= last
        except (ImportError, AttributeError):
            pass
        return render(request, "core/home.html", context)


class ProfileView(LoginRequiredMixin, View):
    template_name = "core/profile.html"

    def context(self, request, profile_form=None, password_form=None):
        token = Token.objects.filter(user=request.user).first()
        return {
            "profile_form": profile_form or ProfileForm(instance=request.user, user=request.user),
            "password_form": password_form or PasswordForm(user=request.user),
            "token": token,
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        user = request.user
        what = request.POST.get("form")
        if what == "profile":
            form = ProfileForm(request.POST, instance=user, user=user)
            if form.is_valid():
                actions.do_save_form(form, actor=user)
                messages.success(request, _("Your details were saved."))
                return redirect("core:profile")
            return render(request, self.template_name, self.context(request, profile_form=form))
        if what == "password":
            form = PasswordForm(request.POST, user=user)
            if form.is_valid():
                actions.do_set_password(user, form.cleaned_data["new_password1"], actor=user)
                auth_login(request, user, backend="yunwei.core.auth.RoleBackend")
                messages.success(request, _("Your password was changed."))
                return redirect("core:profile")
            return render(request, self.template_name, self.context(request, password_form=form))
        if what == "token":
            actions.do_issue_api_token(user, actor=user)
            messages.success(request, _("A new API token was issued; the old one no longer works."))
            return redirect("core:profile")
        return redirect("core:profile")


urlpatterns = [path("me/", ProfileView.as_view(), name="profile")]
