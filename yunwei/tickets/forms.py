"""Forms of the tickets UI: intake, editing, one small form per workflow action, bulk actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yunwei.cmdb.models import DatabaseInstance, Host, Middleware, System
from yunwei.core.models import User
from yunwei.tickets.choices import (
    ESCALATION_CHECKLIST,
    FORWARD_TIERS,
    CauseCategory,
    Channel,
    Priority,
    TicketKind,
    Tier,
)
from yunwei.tickets.filtersets import organisation_choices
from yunwei.tickets.models import SavedFilter, Tag, Team, Ticket
from yunwei.utilities.forms import BootstrapForm, RestrictedModelForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def textarea(rows=3, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by ``do_attach`` when the ticket is made."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def visible_systems(user):
    return System.objects.restrict(user, "view").order_by("code")


# --- intake -----------------------------------------------------------------------------------


class SubmitTicketForm(BootstrapForm):
    """A problem raised by a tax officer on the platform: their own organisation is the
    reporting organisation."""

    system = forms.ModelChoiceField(queryset=System.objects.none(), label=_("system"))
    kind = forms.ChoiceField(choices=TicketKind.choices, label=_("kind"))
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"),
        widget=textarea(6),
        help_text=_("What did you do, what happened, taxpayer ID or serial number, when."),
    )
    attachments = MultipleFileField(
        label=_("attachments"), help_text=_("Screenshots, logs, documents (several allowed).")
    )

    def __init__(self, *args, user, suggest_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = visible_systems(user)
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        if suggest_url:
            # Live suggestions from the knowledge base while the officer types (htmx).
            for name in ("title", "description"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": suggest_url,
                        "hx-trigger": "keyup changed delay:600ms, change",
                        "hx-target": "#suggestions",
                        "hx-include": "#id_title, #id_description, #id_system",
                        "hx-vals": "js:{q: (document.getElementById('id_title').value + ' ' "
                        "+ document.getElementById('id_description').value).trim()}",
                    }
                )


class QuickLogForm(BootstrapForm):
    """A phone or WeChat problem logged by the desk in seconds: fields in typing order."""

    organisation = forms.ModelChoiceField(queryset=None, label=_("organisation"))
    system = forms.ModelChoiceField(queryset=None, label=_("system"), required=False)
    kind = forms.ChoiceField(choices=TicketKind.choices, label=_("kind"))
    text = forms.CharField(
        label=_("problem"),
        widget=textarea(3),
        help_text=_("The first line becomes the title. Enter submits; Shift+Enter adds a line."),
    )
    reporter_name = forms.CharField(label=_("caller"), max_length=60, required=False)
    reporter_phone = forms.CharField(label=_("caller phone"), max_length=30, required=False)
    channel = forms.ChoiceField(choices=Channel.choices, label=_("channel"), initial=Channel.PHONE)
    priority = forms.ChoiceField(choices=Priority.choices, label=_("priority"), initial="p3")
    accept = forms.BooleanField(
        label=_("I handle it myself (accept now)"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisation_choices(user)
        self.fields["system"].queryset = visible_systems(user)
        for name in ("organisation", "system"):
            self.fields[name].widget.attrs["data-autocomplete"] = "1"
        self.fields["organisation"].widget.attrs["autofocus"] = "autofocus"
        self.fields["text"].widget.attrs["data-submit-on-enter"] = "1"

    def split_text(self):
        text = self.cleaned_data["text"].strip()
        first, _sep, rest = text.partition("\n")
        title = first.strip()[:200]
        return title, text if rest.strip() or len(first.strip()) > 200 else ""


class TicketEditForm(RestrictedModelForm):
    class Meta:
        model = Ticket
        fields = [
            "title",
            "description",
            "kind",
            "channel",
            "priority",
            "system",
            "module",
            "reporter_name",
            "reporter_phone",
            "reporter_org_text",
            "tags",
            "related_hosts",
            "related_databases",
            "related_middleware",
        ]
        widgets = {"description": textarea(6)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_hosts"].queryset = Host.objects.restrict(self.user).select_related(
            "system"
        )
        self.fields["related_databases"].queryset = DatabaseInstance.objects.restrict(
            self.user
        ).select_related("system")
        self.fields["related_middleware"].queryset = Middleware.objects.restrict(
            self.user
        ).select_related("system")
        self.fields["tags"].queryset = Tag.objects.all()
        for name in ("tags", "related_hosts", "related_databases", "related_middleware", "system"):
            self.fields[name].widget.attrs["data-autocomplete"] = "1"


# --- workflow actions (one small form each) ---------------------------------------------------


class ReplyForm(BootstrapForm):
    body = forms.CharField(label=_("reply"), widget=textarea(3))


class NoteForm(BootstrapForm):
    body = forms.CharField(label=_("internal note"), widget=textarea(3))


class RequestInfoForm(BootstrapForm):
    question = forms.CharField(label=_("what is missing"), widget=textarea(3))


class ProvideInfoForm(BootstrapForm):
    body = forms.CharField(label=_("information"), widget=textarea(3))


class AssignForm(BootstrapForm):
    assignee = forms.ModelChoiceField(queryset=None, label=_("assignee"), required=False)
    team = forms.ModelChoiceField(queryset=None, label=_("team"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users(user)
        self.fields["team"].queryset = Team.objects.filter(is_active=True)
        self.fields["assignee"].widget.attrs["data-autocomplete"] = "1"


def assignable_users(user):
    """Active people who handle tickets, among those the user may see."""
    return (
        User.objects.restrict(user, "view")
        .filter(is_active=True)
        .filter(roles__permissions__codename="change_ticket")
        .distinct()
        .order_by("username")
    )


class EscalateForm(BootstrapForm):
    note = forms.CharField(label=_("note for tier 2"), widget=textarea(3))
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label=_("tier-2 team"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True, tier=Tier.TIER2)
        for code, label in ESCALATION_CHECKLIST:
            self.fields[f"check_{code}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"check_{code}"].widget.attrs["class"] = "form-check-input"

    def checklist(self) -> dict:
        return {
            code: bool(self.cleaned_data.get(f"check_{code}")) for code, _l in ESCALATION_CHECKLIST
        }


class ReturnIncompleteForm(BootstrapForm):
    missing = forms.MultipleChoiceField(
        choices=ESCALATION_CHECKLIST,
        label=_("what is missing"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(label=_("note for tier 1"), widget=textarea(2), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing"].widget.attrs["class"] = "form-check-input"


class ForwardForm(BootstrapForm):
    to = forms.ChoiceField(
        choices=[(tier.value, tier.label) for tier in FORWARD_TIERS], label=_("forward to")
    )
    target = forms.CharField(label=_("to whom"), max_length=200)
    promised_date = forms.DateField(label=_("promised date"), required=False, widget=DATE_INPUT)
    note = forms.CharField(label=_("note"), widget=textarea(2), required=False)


class PromisedDateForm(BootstrapForm):
    promised_date = forms.DateField(label=_("promised date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("note"), widget=textarea(2), required=False)


class MarkDuplicateForm(BootstrapForm):
    master = forms.CharField(
        label=_("master ticket number"), max_length=40, help_text=_("e.g. GD20261123-0007")
    )


class ResolveForm(BootstrapForm):
    solution = forms.CharField(label=_("solution"), widget=textarea(4))
    cause_category = forms.ChoiceField(choices=CauseCategory.choices, label=_("cause"))
    fixed_in_version = forms.CharField(label=_("fixed in version"), max_length=60, required=False)
    fix_release_date = forms.DateField(
        label=_("fix release date"), required=False, widget=DATE_INPUT
    )


class CloseForm(BootstrapForm):
    reason = forms.CharField(label=_("reason"), widget=textarea(2), required=False)


class ReopenForm(BootstrapForm):
    reason = forms.CharField(label=_("reason"), widget=textarea(2))


class SatisfactionForm(BootstrapForm):
    score = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        label=_("satisfaction (1–5)"),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("comment"), widget=textarea(2), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].widget.attrs["class"] = "form-check-input"


class ComplaintForm(BootstrapForm):
    note = forms.CharField(label=_("complaint"), widget=textarea(3))


class AnswerComplaintForm(BootstrapForm):
    answer = forms.CharField(label=_("answer"), widget=textarea(3))


class EmptyForm(BootstrapForm):
    pass


# --- lists ------------------------------------------------------------------------------------

BULK_ASSIGN, BULK_PRIORITY, BULK_CLOSE = "assign", "priority", "close"


class BulkActionForm(BootstrapForm):
    operation = forms.ChoiceField(
        choices=[
            (BULK_ASSIGN, _("Assign")),
            (BULK_PRIORITY, _("Change priority")),
            (BULK_CLOSE, _("Close")),
        ],
        label=_("bulk action"),
    )
    pk = forms.ModelMultipleChoiceField(queryset=Ticket.objects.none(), label=_("tickets"))
    assignee = forms.ModelChoiceField(queryset=None, label=_("assignee"), required=False)
    priority = forms.ChoiceField(
        choices=[("", "---------"), *Priority.choices], label=_("priority"), required=False
    )
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pk"].queryset = Ticket.objects.restrict(user, "change")
        self.fields["assignee"].queryset = assignable_users(user)

    def clean(self):
        data = super().clean()
        if data.get("operation") == BULK_ASSIGN and not data.get("assignee"):
            self.add_error("assignee", _("Choose the person to assign the tickets to."))
        if data.get("operation") == BULK_PRIORITY and not data.get("priority"):
            self.add_error("priority", _("Choose the new priority."))
        return data


class SavedFilterForm(forms.ModelForm):
    class Meta:
        model = SavedFilter
        fields = ["name", "query"]


class FaqForm(BootstrapForm):
    start = forms.DateField(label=_("from"), widget=DATE_INPUT)
    end = forms.DateField(label=_("until"), widget=DATE_INPUT)
    top = forms.IntegerField(label=_("problems per group"), min_value=1, max_value=50, initial=10)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


# --- the action registry: form + the one action it calls (UI and API share it) ----------------


class UnknownTicket(Exception):
    pass


def find_master(number: str, user):
    from yunwei.tickets.models import Ticket as TicketModel

    number = (number or "").strip()
    master = TicketModel.objects.restrict(user, "view").filter(number=number).first()
    if master is None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as gettext_now

        raise ValidationError(
            {
                "master": gettext_now("No ticket numbered %(number)s that you may see.")
                % {"number": number}
            }
        )
    return master


def _runners():
    from yunwei.tickets import actions as a

    return {
        "accept": (EmptyForm, lambda t, u, d: a.do_accept(t, actor=u)),
        "assign": (
            AssignForm,
            lambda t, u, d: a.do_assign(t, actor=u, assignee=d.get("assignee"), team=d.get("team")),
        ),
        "reply": (ReplyForm, lambda t, u, d: a.do_reply(t, actor=u, body=d["body"], public=True)),
        "note": (NoteForm, lambda t, u, d: a.do_reply(t, actor=u, body=d["body"], public=False)),
        "request_info": (
            RequestInfoForm,
            lambda t, u, d: a.do_request_info(t, actor=u, question=d["question"]),
        ),
        "provide_info": (
            ProvideInfoForm,
            lambda t, u, d: a.do_provide_info(t, actor=u, body=d["body"]),
        ),
        "escalate": (
            EscalateForm,
            lambda t, u, d: a.do_escalate(
                t, actor=u, checklist=d["checklist"], note=d["note"], team=d.get("team")
            ),
        ),
        "return_incomplete": (
            ReturnIncompleteForm,
            lambda t, u, d: a.do_return_incomplete(
                t, actor=u, missing=d.get("missing") or [], note=d.get("note", "")
            ),
        ),
        "forward": (
            ForwardForm,
            lambda t, u, d: a.do_forward(
                t,
                actor=u,
                to=d["to"],
                target=d["target"],
                promised_date=d.get("promised_date"),
                note=d.get("note", ""),
            ),
        ),
        "set_promised_date": (
            PromisedDateForm,
            lambda t, u, d: a.do_set_promised_date(
                t, actor=u, promised_date=d["promised_date"], note=d.get("note", "")
            ),
        ),
        "mark_duplicate": (
            MarkDuplicateForm,
            lambda t, u, d: a.do_mark_duplicate(t, actor=u, master=find_master(d["master"], u)),
        ),
        "unmark_duplicate": (EmptyForm, lambda t, u, d: a.do_unmark_duplicate(t, actor=u)),
        "resolve": (
            ResolveForm,
            lambda t, u, d: a.do_resolve(
                t,
                actor=u,
                solution=d["solution"],
                cause_category=d["cause_category"],
                fixed_in_version=d.get("fixed_in_version", ""),
                fix_release_date=d.get("fix_release_date"),
            ),
        ),
        "confirm": (EmptyForm, lambda t, u, d: a.do_confirm(t, actor=u)),
        "close": (CloseForm, lambda t, u, d: a.do_close(t, actor=u, reason=d.get("reason", ""))),
        "reopen": (ReopenForm, lambda t, u, d: a.do_reopen(t, actor=u, reason=d["reason"])),
        "satisfaction": (
            SatisfactionForm,
            lambda t, u, d: a.do_record_satisfaction(
                t, actor=u, score=d["score"], comment=d.get("comment", "")
            ),
        ),
        "complaint": (
            ComplaintForm,
            lambda t, u, d: a.do_flag_complaint(t, actor=u, note=d["note"]),
        ),
        "answer_complaint": (
            AnswerComplaintForm,
            lambda t, u, d: a.do_answer_complaint(t, actor=u, answer=d["answer"]),
        ),
    }


# The actions that have their own small form on the ticket page (``update`` is the edit page).
ACTION_NAMES = [
    "accept",
    "assign",
    "reply",
    "note",
    "request_info",
    "provide_info",
    "escalate",
    "return_incomplete",
    "forward",
    "set_promised_date",
    "mark_duplicate",
    "unmark_duplicate",
    "resolve",
    "confirm",
    "close",
    "reopen",
    "satisfaction",
    "complaint",
    "answer_complaint",
]
# Actions without fields: one click posts them.
ONE_CLICK_ACTIONS = {"accept", "unmark_duplicate", "confirm"}


def action_form(name, user, data=None, *, prefixed=True, **kwargs):
    """The action's form; on the ticket page its fields are prefixed with the action's name
    (several forms share the page), in the API they are not."""
    form_class = _runners()[name][0]
    if form_class is AssignForm:
        kwargs["user"] = user
    return form_class(data, prefix=name if prefixed else None, **kwargs)


def cleaned_for_action(name, form) -> dict:
    data = dict(form.cleaned_data)
    if name == "escalate":
        data["checklist"] = form.checklist()
    return data


def run_action(name, ticket, user, data: dict):
    """Call the one action behind ``name``; raises ValidationError when it is refused."""
    return _runners()[name][1](ticket, user, data)
