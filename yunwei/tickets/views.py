"""Ticket pages: lists and queues, the ticket page with its action forms, intake (submit a
problem, quick log, Excel import), the dashboard and the FAQ manual.

Views stay thin: every state change goes through one action of ``yunwei.tickets.actions``.
"""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from yunwei.cmdb.models import DatabaseInstance, Host, Middleware
from yunwei.core.querysets import subtree_ids
from yunwei.tickets import filtersets, forms, tables
from yunwei.tickets.choices import (
    OPEN_STATUSES,
    CauseCategory,
    Priority,
    TicketKind,
    TicketStatus,
    Tier,
)
from yunwei.tickets.models import SavedFilter, SlaClock, Ticket, TicketEvent
from yunwei.tickets.workflow import ACTION_LABELS, allowed_actions
from yunwei.utilities.excel import build_workbook, xlsx_response
from yunwei.utilities.paginator import paginator_for
from yunwei.utilities.views import ObjectDetailView, ObjectEditView, ObjectImportView, per_page


def error_text(exc: ValidationError) -> str:
    """A ValidationError as one line for a message (field errors included)."""
    if hasattr(exc, "error_dict"):
        return " ".join(message for messages_ in exc.message_dict.values() for message in messages_)
    return " ".join(exc.messages)


def _require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


def _reverse_or_none(name, *args):
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return None


# --- lists and queues -------------------------------------------------------------------------

QUEUES = {
    "all": gettext_lazy("All tickets"),
    "mine": gettext_lazy("My open tickets"),
    "team": gettext_lazy("My team's tickets"),
    "overdue": gettext_lazy("Overdue tickets"),
    "scope": gettext_lazy("Tickets of my organisation"),
    "reported": gettext_lazy("Problems I reported"),
}


def queue_filter(queryset, queue: str, user):
    if queue == "mine":
        return queryset.filter(assignee=user, status__in=OPEN_STATUSES)
    if queue == "team":
        return queryset.filter(team__members=user, status__in=OPEN_STATUSES).distinct()
    if queue == "overdue":
        return queryset.filter(filtersets.overdue_q())
    if queue == "scope":
        if user.organisation_id is None:
            return queryset.none()
        return queryset.filter(
            organisation_id__in=subtree_ids(user.scope_path), status__in=OPEN_STATUSES
        )
    if queue == "reported":
        return queryset.filter(reporter=user)
    return queryset


class TicketListView(LoginRequiredMixin, View):
    """Every ticket list: filters, saved filters, bulk actions and Excel export; a queue is the
    same list with one more condition."""

    queue = "all"
    template_name = "tickets/ticket_list.html"

    def get_queryset(self, request):
        queryset = tables.list_queryset().restrict(request.user, "view")
        return queue_filter(queryset, self.queue, request.user)

    def get(self, request):
        _require(request.user, "tickets.view_ticket")
        filterset = filtersets.TicketFilterSet(
            request.GET, queryset=self.get_queryset(request), request=request
        )
        queryset = filterset.qs if filterset.is_valid() else Ticket.objects.none()
        table = tables.TicketTable(queryset)
        title = str(QUEUES[self.queue])
        if request.GET.get("export") == "xlsx":
            return self.export(table, title)
        may_change = request.user.has_perm("tickets.change_ticket")
        if not may_change:
            table.exclude = ("selection",)
        RequestConfig(
            request,
            paginate={"per_page": per_page(request), "paginator_class": paginator_for(request)},
        ).configure(table)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context = {
            "title": title,
            "queue": self.queue,
            "queues": [
                (
                    key,
                    label,
                    reverse(f"tickets:queue_{key}" if key != "all" else "tickets:ticket_list"),
                )
                for key, label in QUEUES.items()
                if key not in ("mine", "team", "overdue") or may_change
            ],
            "table": table,
            "filter_form": filterset.form,
            "saved_filters": SavedFilter.objects.for_user(request.user),
            "current_query": query.urlencode(),
            "bulk_form": forms.BulkActionForm(user=request.user) if may_change else None,
            "can_add": request.user.has_perm("tickets.add_ticket"),
            "can_import": may_change and request.user.has_perm("tickets.add_ticket"),
        }
        return render(request, self.template_name, context)

    def export(self, table, title):
        columns = [c for c in table.columns if c.name != "selection"]
        headers = [str(c.header) for c in columns]
        rows = ([row.get_cell_value(c.name) for c in columns] for row in table.rows)
        return xlsx_response(build_workbook(headers, rows, title), f"{title}.xlsx")


class MyQueueView(TicketListView):
    queue = "mine"


class TeamQueueView(TicketListView):
    queue = "team"


class OverdueQueueView(TicketListView):
    queue = "overdue"


class ScopeQueueView(TicketListView):
    queue = "scope"


class ReportedQueueView(TicketListView):
    queue = "reported"


class SavedFilterView(LoginRequiredMixin, View):
    """Save the current filter under a name (POST), or delete one (POST with ``delete``)."""

    def post(self, request):
        back = request.POST.get("next") or reverse("tickets:ticket_list")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("tickets:ticket_list")
        delete = request.POST.get("delete")
        if delete:
            SavedFilter.objects.for_user(request.user).filter(pk=delete).delete()
            messages.success(request, _("Saved filter deleted."))
            return redirect(back)
        form = forms.SavedFilterForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the filter a name."))
            return redirect(back)
        SavedFilter.objects.update_or_create(
            user=request.user,
            name=form.cleaned_data["name"],
            defaults={"query": form.cleaned_data["query"]},
        )
        messages.success(
            request, _("Filter “%(name)s” saved.") % {"name": form.cleaned_data["name"]}
        )
        return redirect(back)


class BulkActionView(LoginRequiredMixin, View):
    """Assign, re-prioritise or close many tickets: one action per ticket, one message each."""

    def post(self, request):
        from yunwei.tickets import actions

        _require(request.user, "tickets.change_ticket")
        back = request.POST.get("next") or reverse("tickets:ticket_list")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("tickets:ticket_list")
        form = forms.BulkActionForm(request.POST, user=request.user)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    messages.error(request, error if field == "__all__" else f"{error}")
            return redirect(back)
        data = form.cleaned_data
        operation = data["operation"]
        done = 0
        for ticket in data["pk"].order_by("pk"):
            try:
                if operation == forms.BULK_ASSIGN:
                    actions.do_assign(ticket, actor=request.user, assignee=data["assignee"])
                elif operation == forms.BULK_PRIORITY:
                    actions.do_update_ticket(ticket, actor=request.user, priority=data["priority"])
                else:
                    actions.do_close(ticket, actor=request.user, reason=data.get("reason", ""))
            except ValidationError as exc:
                messages.error(request, f"{ticket.number}: {error_text(exc)}")
            else:
                done += 1
                done_text = _("done")
                messages.success(request, f"{ticket.number}: {done_text}")
        messages.info(
            request,
            _("%(done)s of %(total)s tickets changed.") % {"done": done, "total": len(data["pk"])},
        )
        return redirect(back)


# --- the ticket page --------------------------------------------------------------------------


def sla_rows(ticket):
    from yunwei.tickets import sla

    return sla.clock_rows(ticket)


class TicketView(ObjectDetailView):
    queryset = Ticket.objects.select_related(
        "system", "organisation", "reporter", "assignee", "team", "master", "created_by"
    )
    template_name = "tickets/ticket.html"
    attachments = True

    def get_extra_context(self, request, instance):
        user = request.user
        allowed = allowed_actions(instance, user)
        action_forms = [
            {
                "name": name,
                "label": ACTION_LABELS[name],
                "form": forms.action_form(name, user),
                "url": reverse(f"tickets:ticket_{name}", args=[instance.pk]),
                "one_click": name in forms.ONE_CLICK_ACTIONS,
            }
            for name in forms.ACTION_NAMES
            if name in allowed
        ]
        events = (
            TicketEvent.objects.restrict(user, "view")
            .filter(ticket=instance)
            .select_related("actor")
            .order_by("created_at", "id")
        )
        return {
            "colors": {
                "status": TicketStatus.color(instance.status),
                "priority": Priority.color(instance.priority),
                "tier": Tier.color(instance.tier),
            },
            "actions": action_forms,
            "can_edit": "update" in allowed,
            "events": events,
            "sla_rows": sla_rows(instance),
            "duplicates": Ticket.objects.restrict(user, "view")
            .filter(master=instance)
            .order_by("pk"),
            "tags": instance.tags.all(),
            "hosts": Host.objects.restrict(user, "view").filter(tickets=instance),
            "databases": DatabaseInstance.objects.restrict(user, "view").filter(tickets=instance),
            "middleware": Middleware.objects.restrict(user, "view").filter(tickets=instance),
            "is_overdue": Ticket.objects.filter(pk=instance.pk)
            .filter(filtersets.overdue_q())
            .exists(),
        }


class TicketEditView(ObjectEditView):
    """Change the details through ``do_update_ticket``."""

    queryset = Ticket.objects.all()
    form = forms.TicketEditForm

    def get_object(self, request, pk):
        if pk is None:
            raise PermissionDenied
        return super().get_object(request, pk)

    def save_action(self, form, request):
        from yunwei.tickets.actions import do_update_ticket

        ticket = self.queryset.model.objects.get(pk=form.instance.pk)
        return do_update_ticket(ticket, actor=request.user, **form.cleaned_data)

    def post(self, request, pk=None):
        instance = self.get_object(request, pk)
        form = self.form(request.POST, request.FILES, instance=instance, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render_form(request, form, instance)
        try:
            saved = self.save_action(form, request)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return self.render_form(request, form, instance)
        messages.success(request, _("Saved “%(obj)s”.") % {"obj": saved})
        return redirect(saved.get_absolute_url())


class TicketActionView(LoginRequiredMixin, View):
    """One workflow action: GET shows its form alone, POST calls the action. A refused action
    shows why (in the user's language) and changes nothing."""

    action = None
    template_name = "tickets/ticket_action.html"

    def get_ticket(self, request, pk):
        ticket = get_object_or_404(
            Ticket.objects.restrict(request.user, "view").select_related("master"), pk=pk
        )
        return ticket

    def render_form(self, request, ticket, form, error=None, status=200):
        return render(
            request,
            self.template_name,
            {
                "object": ticket,
                "form": form,
                "action": self.action,
                "label": ACTION_LABELS[self.action],
                "error": error,
            },
            status=status,
        )

    def get(self, request, pk):
        ticket = self.get_ticket(request, pk)
        if self.action not in allowed_actions(ticket, request.user):
            raise PermissionDenied
        return self.render_form(request, ticket, forms.action_form(self.action, request.user))

    def post(self, request, pk):
        ticket = self.get_ticket(request, pk)
        if self.action not in allowed_actions(ticket, request.user):
            from yunwei.tickets.workflow import refusal

            reason = refusal(ticket, self.action) or _("You may not do this on this ticket.")
            messages.error(request, reason)
            return redirect(ticket.get_absolute_url())
        form = forms.action_form(self.action, request.user, request.POST)
        if not form.is_valid():
            return self.render_form(request, ticket, form, status=400)
        try:
            forms.run_action(
                self.action, ticket, request.user, forms.cleaned_for_action(self.action, form)
            )
        except ValidationError as exc:
            return self.render_form(request, ticket, form, error=error_text(exc), status=400)
        messages.success(
            request,
            _("%(action)s: done.") % {"action": ACTION_LABELS[self.action]},
        )
        return redirect(ticket.get_absolute_url())


# --- intake -----------------------------------------------------------------------------------


def _suggest_url():
    return reverse("knowledge:suggest")


class SubmitTicketView(LoginRequiredMixin, View):
    """A tax officer raises a problem for their own organisation."""

    template_name = "tickets/ticket_submit.html"

    def check(self, request):
        _require(request.user, "tickets.add_ticket")
        if request.user.organisation_id is None:
            raise PermissionDenied

    def render_form(self, request, form, status=200):
        suggest_url = _suggest_url()
        return render(
            request,
            self.template_name,
            {"form": form, "suggest_url": suggest_url, "has_suggest": bool(suggest_url)},
            status=status,
        )

    def get(self, request):
        self.check(request)
        return self.render_form(
            request, forms.SubmitTicketForm(user=request.user, suggest_url=_suggest_url())
        )

    def post(self, request):
        from yunwei.tickets.actions import do_create_ticket

        self.check(request)
        form = forms.SubmitTicketForm(
            request.POST, request.FILES, user=request.user, suggest_url=_suggest_url()
        )
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        data = form.cleaned_data
        try:
            ticket = do_create_ticket(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                channel="platform",
                organisation=request.user.organisation,
                system=data["system"],
                reporter=request.user,
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
            return self.render_form(request, form, status=400)
        messages.success(
            request,
            _("Your problem was registered as %(number)s.") % {"number": ticket.number},
        )
        return redirect(ticket.get_absolute_url())


def caller_account(phone: str, organisation):
    """The platform account of a caller, found by mobile number within the organisation's
    subtree: the caller then sees the ticket and can confirm the solution."""
    from yunwei.core.models import User

    phone = (phone or "").strip()
    if not phone or organisation is None:
        return None
    return (
        User.objects.filter(
            phone=phone, is_active=True, organisation__path__startswith=organisation.path
        )
        .order_by("pk")
        .first()
    )


class QuickLogView(LoginRequiredMixin, View):
    """The desk logs a phone or WeChat problem: keyboard only, Enter submits, the form comes
    back empty for the next call."""

    template_name = "tickets/quick_log.html"

    def check(self, request):
        _require(request.user, "tickets.add_ticket")
        _require(request.user, "tickets.change_ticket")

    def render_form(self, request, form, status=200):
        recent = (
            Ticket.objects.restrict(request.user, "view")
            .filter(created_by=request.user)
            .select_related("organisation", "system")
            .order_by("-created_at", "-id")[:10]
        )
        return render(request, self.template_name, {"form": form, "recent": recent}, status=status)

    def get(self, request):
        self.check(request)
        return self.render_form(request, forms.QuickLogForm(user=request.user))

    def post(self, request):
        from yunwei.tickets.actions import do_accept, do_create_ticket

        self.check(request)
        form = forms.QuickLogForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        data = form.cleaned_data
        title, description = form.split_text()
        try:
            ticket = do_create_ticket(
                reporter=caller_account(data["reporter_phone"], data["organisation"]),
                actor=request.user,
                title=title,
                description=description or data["text"],
                kind=data["kind"],
                channel=data["channel"],
                organisation=data["organisation"],
                system=data["system"],
                priority=data["priority"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
            )
            if data["accept"]:
                do_accept(ticket, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
            return self.render_form(request, form, status=400)
        messages.success(
            request,
            format_html(
                '{} <a class="alert-link" href="{}" id="logged-ticket">{}</a>',
                _("Logged:"),
                ticket.get_absolute_url(),
                ticket.number,
            ),
        )
        return redirect("tickets:quick_log")


class TicketImportView(ObjectImportView):
    queryset = Ticket.objects.all()
    template_name = "tickets/ticket_import.html"

    @property
    def importer(self):
        from yunwei.tickets.importers import TicketImporter

        return TicketImporter

    def check(self, request):
        _require(request.user, "tickets.add_ticket")
        _require(request.user, "tickets.change_ticket")

    def context(self, **extra):
        context = super().context(**extra)
        context["list_url"] = reverse("tickets:ticket_list")
        return context


# --- dashboard --------------------------------------------------------------------------------


class DashboardView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "tickets.view_ticket")
        return render(
            request, "tickets/dashboard.html", {"data_url": reverse("tickets:dashboard_data")}
        )


def _choice_counts(queryset, field, choices):
    counts = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
    return [
        {"value": value, "name": str(label), "count": counts.get(value, 0)}
        for value, label in choices
        if counts.get(value, 0)
    ]


def dashboard_data(user, *, days: int = 30, now=None) -> dict:
    """The dashboard's figures for the tickets ``user`` may see."""
    now = now or timezone.now()
    visible = Ticket.objects.restrict(user, "view")
    open_tickets = visible.filter(status__in=OPEN_STATUSES)
    by_system = (
        open_tickets.order_by()
        .values("system__code", "system__short_name", "system__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:15]
    )
    since = now - timedelta(days=days)
    clocks = SlaClock.objects.filter(
        ticket__in=visible.values("pk"), stopped_at__gte=since, stopped_at__isnull=False
    )
    met = clocks.filter(state="met").count()
    finished = clocks.filter(state__in=["met", "breached"]).count()
    today = timezone.localdate(now)
    day_ends = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
        day_ends.append((day, min(end, now)))
    aggregates = {}
    for index, (_day, end) in enumerate(day_ends):
        aggregates[f"d{index}"] = Count(
            "pk",
            filter=Q(created_at__lte=end)
            & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=end))
            & (Q(closed_at__isnull=True) | Q(closed_at__gt=end)),
        )
        aggregates[f"c{index}"] = Count(
            "pk", filter=Q(created_at__lte=end, created_at__gt=end - timedelta(days=1))
        )
    totals = visible.order_by().aggregate(**aggregates) if aggregates else {}
    recent = visible.filter(created_at__gte=since)
    return {
        "open_by_status": _choice_counts(open_tickets, "status", TicketStatus.choices),
        "open_by_tier": _choice_counts(open_tickets, "tier", Tier.choices),
        "open_by_priority": _choice_counts(open_tickets, "priority", Priority.choices),
        "open_by_system": [
            {
                "name": row["system__short_name"] or row["system__name"] or _("(no system)"),
                "code": row["system__code"] or "",
                "count": row["n"],
            }
            for row in by_system
        ],
        "sla": {
            "met": met,
            "finished": finished,
            "percent": round(100 * met / finished, 1) if finished else None,
        },
        "backlog": {
            "days": [day.isoformat() for day, _end in day_ends],
            "open": [totals.get(f"d{i}", 0) for i in range(len(day_ends))],
            "created": [totals.get(f"c{i}", 0) for i in range(len(day_ends))],
        },
        "top_kinds": sorted(
            _choice_counts(recent, "kind", TicketKind.choices), key=lambda r: -r["count"]
        ),
        "top_causes": sorted(
            _choice_counts(
                recent.exclude(cause_category=""), "cause_category", CauseCategory.choices
            ),
            key=lambda r: -r["count"],
        ),
        "totals": {
            "open": open_tickets.count(),
            "overdue": visible.filter(filtersets.overdue_q(now)).count(),
            "created": recent.count(),
            "complaints_open": visible.filter(
                is_complaint=True, complaint_answered_at__isnull=True
            ).count(),
        },
        "days": days,
    }


class DashboardDataView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "tickets.view_ticket")
        try:
            days = max(7, min(90, int(request.GET.get("days", 30))))
        except ValueError:
            days = 30
        return JsonResponse(dashboard_data(request.user, days=days))


# --- FAQ manual -------------------------------------------------------------------------------


class FaqView(LoginRequiredMixin, View):
    """Frequent problems of a period, shown and downloadable as 常见问题解决手册 (.docx)."""

    template_name = "tickets/faq.html"

    def get(self, request):
        from yunwei.tickets import faq

        _require(request.user, "tickets.change_ticket")
        today = timezone.localdate()
        initial = {"start": today - timedelta(days=90), "end": today, "top": 10}
        form = forms.FaqForm(request.GET or None, initial=initial)
        report = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            report = faq.frequent_problems(
                Ticket.objects.restrict(request.user, "view"),
                start=data["start"],
                end=data["end"],
                top=data["top"],
            )
            if request.GET.get("download"):
                content = faq.build_docx(report)
                response = HttpResponse(content, content_type=faq.DOCX_CONTENT_TYPE)
                from urllib.parse import quote

                filename = quote(f"常见问题解决手册_{data['start']}_{data['end']}.docx")
                response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
                return response
        download_url = None
        if report is not None:
            download_url = "?" + urlencode({**request.GET.dict(), "download": "1"})
        return render(
            request,
            self.template_name,
            {"form": form, "report": report, "download_url": download_url},
        )
