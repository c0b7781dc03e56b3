"""The inbox, notification preferences, robot channels and the delivery log."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from yunwei.core.actions import notify as actions_notify
from yunwei.core.forms.notify import ChannelForm, DeliveryFilterForm, PreferencesForm
from yunwei.core.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationChannel,
    NotificationPreference,
)
from yunwei.core.notify import event_label, unread_count

PAGE_SIZE = 30


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Inbox ------------------------------------------------------------------------------------


class InboxView(LoginRequiredMixin, View):
    def get(self, request):
        unread_only = request.GET.get("unread") == "1"
        queryset = Notification.objects.for_user(request.user)
        if unread_only:
            queryset = queryset.unread()
        page = _page(request, queryset)
        for item in page.object_list:
            item.event_label = event_label(item.event)
        return render(
            request,
            "core/inbox.html",
            {
                "page": page,
                "unread_only": unread_only,
                "unread_total": unread_count(request.user),
            },
        )


class InboxOpenView(LoginRequiredMixin, View):
    """Open a notification: mark it read and follow its link (or show it if it has none)."""

    def get(self, request, pk):
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        actions_notify.do_mark_read(notification, actor=request.user)
        if notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}
        ):
            return redirect(notification.url)
        notification.refresh_from_db()
        notification.event_label = event_label(notification.event)
        return render(request, "core/inbox_detail.html", {"notification": notification})


class InboxReadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        actions_notify.do_mark_read(notification, actor=request.user)
        if _is_htmx(request):
            notification.refresh_from_db()
            notification.event_label = event_label(notification.event)
            return render(request, "core/inbox_row.html", {"item": notification})
        return redirect(_back(request, "core:inbox"))


class InboxReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        count = actions_notify.do_mark_all_read(actor=request.user)
        messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
        return redirect("core:inbox")


def _back(request, default: str):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


class PreferencesView(LoginRequiredMixin, View):
    template_name = "core/inbox_preferences.html"

    def get(self, request):
        preference = NotificationPreference.objects.filter(user=request.user).first()
        return self.render(request, PreferencesForm(preference=preference))

    def post(self, request):
        preference = NotificationPreference.objects.filter(user=request.user).first()
        form = PreferencesForm(request.POST, preference=preference)
        if not form.is_valid():
            return self.render(request, form)
        actions_notify.do_save_preferences(
            request.user,
            mute_all_email=form.cleaned_data["mute_all_email"],
            email_events=form.email_events(),
            actor=request.user,
        )
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("core:notification_preferences")

    def render(self, request, form):
        from django.conf import settings

        return render(
            request,
            self.template_name,
            {
                "form": form,
                "event_fields": [form[name] for name in form.event_fields],
                "email_enabled": getattr(settings, "EMAIL_ENABLED", False),
            },
        )


# --- Channels ---------------------------------------------------------------------------------


def _require(request, perm: str):
    if not request.user.has_perm(perm):
        raise PermissionDenied


class ChannelListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "core.view_notificationchannel")
        channels = NotificationChannel.objects.restrict(request.user, "view").select_related(
            "organisation"
        )
        rows = []
        for channel in channels:
            channel.event_labels = [event_label(code) for code in channel.events or []]
            rows.append(channel)
        return render(
            request,
            "core/channel_list.html",
            {
                "channels": rows,
                "can_add": request.user.has_perm("core.add_notificationchannel"),
                "can_change": request.user.has_perm("core.change_notificationchannel"),
                "can_delete": request.user.has_perm("core.delete_notificationchannel"),
            },
        )


class ChannelEditView(LoginRequiredMixin, View):
    template_name = "core/channel_edit.html"

    def get_object(self, request, pk):
        if pk is None:
            _require(request, "core.add_notificationchannel")
            return NotificationChannel()
        return get_object_or_404(
            NotificationChannel.objects.restrict(request.user, "change"), pk=pk
        )

    def get(self, request, pk=None):
        channel = self.get_object(request, pk)
        form = ChannelForm(instance=channel, user=request.user)
        return render(request, self.template_name, {"form": form, "object": channel})

    def post(self, request, pk=None):
        channel = self.get_object(request, pk)
        form = ChannelForm(request.POST, instance=channel, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return render(request, self.template_name, {"form": form, "object": channel})
        channel = form.save(commit=False)
        actions_notify.do_save_channel(
            channel,
            actor=request.user,
            secret=form.cleaned_data.get("secret") or None,
            clear_secret=bool(form.cleaned_data.get("clear_secret")),
        )
        messages.success(request, _("Saved “%(obj)s”.") % {"obj": channel})
        return redirect("core:channel_list")


class ChannelDeleteView(LoginRequiredMixin, View):
    def get_object(self, request, pk):
        return get_object_or_404(
            NotificationChannel.objects.restrict(request.user, "delete"), pk=pk
        )

    def get(self, request, pk):
        channel = self.get_object(request, pk)
        return render(request, "core/channel_delete.html", {"object": channel})

    def post(self, request, pk):
        channel = self.get_object(request, pk)
        try:
            actions_notify.do_delete_channel(channel, actor=request.user)
        except ProtectedError:
            messages.error(request, _("“%(obj)s” cannot be deleted.") % {"obj": channel})
            return redirect("core:channel_list")
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": channel})
        return redirect("core:channel_list")


class ChannelTestView(LoginRequiredMixin, View):
    def post(self, request, pk):
        channel = get_object_or_404(
            NotificationChannel.objects.restrict(request.user, "change"), pk=pk
        )
        delivery = actions_notify.do_send_test_message(channel, actor=request.user)
        if delivery.status == DeliveryStatus.SENT:
            messages.success(
                request, _("The test message to “%(name)s” was sent.") % {"name": channel.name}
            )
        else:
            messages.error(
                request,
                _("The test message to “%(name)s” failed: %(error)s (it will be retried).")
                % {"name": channel.name, "error": delivery.last_error},
            )
        return redirect("core:channel_list")


# --- Delivery log -----------------------------------------------------------------------------


class DeliveryListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "core.view_delivery")
        form = DeliveryFilterForm(request.GET or None)
        queryset = Delivery.objects.restrict(request.user, "view").select_related("channel")
        if form.is_bound and form.is_valid():
            if form.cleaned_data.get("status"):
                queryset = queryset.filter(status=form.cleaned_data["status"])
            if form.cleaned_data.get("kind"):
                queryset = queryset.filter(kind=form.cleaned_data["kind"])
        page = _page(request, queryset, 50)
        return render(
            request,
            "core/delivery_list.html",
            {
                "page": page,
                "filter_form": form,
                "status_colors": DeliveryStatus.colors,
                "can_retry": request.user.has_perm("core.change_delivery"),
            },
        )


class DeliveryDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        _require(request, "core.view_delivery")
        delivery = get_object_or_404(
            Delivery.objects.restrict(request.user, "view").select_related(
                "channel", "notification"
            ),
            pk=pk,
        )
        return render(
            request,
            "core/delivery_detail.html",
            {
                "delivery": delivery,
                "attempts": delivery.attempt_log.all(),
                "status_color": DeliveryStatus.color(delivery.status),
                "can_retry": request.user.has_perm("core.change_delivery")
                and delivery.status == DeliveryStatus.FAILED,
            },
        )


class DeliveryRetryView(LoginRequiredMixin, View):
    def post(self, request, pk):
        delivery = get_object_or_404(Delivery.objects.restrict(request.user, "change"), pk=pk)
        actions_notify.do_retry_delivery(delivery, actor=request.user)
        messages.success(request, _("The delivery was queued again."))
        return redirect("core:delivery", pk=delivery.pk)


urlpatterns = [
    path("inbox/", InboxView.as_view(), name="inbox"),
    path("inbox/read-all/", InboxReadAllView.as_view(), name="inbox_read_all"),
    path("inbox/<int:pk>/", InboxOpenView.as_view(), name="inbox_open"),
    path("inbox/<int:pk>/read/", InboxReadView.as_view(), name="inbox_read"),
    path("me/notifications/", PreferencesView.as_view(), name="notification_preferences"),
    path("channels/", ChannelListView.as_view(), name="channel_list"),
    path("channels/add/", ChannelEditView.as_view(), name="channel_add"),
    path("channels/<int:pk>/edit/", ChannelEditView.as_view(), name="channel_edit"),
    path("channels/<int:pk>/delete/", ChannelDeleteView.as_view(), name="channel_delete"),
    path("channels/<int:pk>/test/", ChannelTestView.as_view(), name="channel_test"),
    path("deliveries/", DeliveryListView.as_view(), name="delivery_list"),
    path("deliveries/<int:pk>/", DeliveryDetailView.as_view(), name="delivery"),
    path("deliveries/<int:pk>/retry/", DeliveryRetryView.as_view(), name="delivery_retry"),
]
