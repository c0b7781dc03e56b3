"""Attachment panel, upload, delete and download for any object.

A detail view adds ``attachment_panel_context(request, obj)`` to its context and its template
includes ``core/attachment_panel.html``; the panel lists the files and, for users who may change
the object, offers upload and delete. Upload and delete answer htmx requests with the panel
itself, other requests with a redirect back to the object.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from yunwei.core.actions.attachments import do_attach, do_remove_attachment
from yunwei.core.attachments import (
    AttachmentRejected,
    allowed_extensions,
    can_change_parent,
    can_view_parent,
)
from yunwei.core.forms.notify import AttachmentUploadForm
from yunwei.core.models import Attachment

__all__ = ["attachment_panel_context", "urlpatterns"]


def attachment_panel_context(request, obj, *, errors=None) -> dict:
    """Context for ``core/attachment_panel.html``: merge it into a detail page's context."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    can_change = can_change_parent(request.user, obj)
    return {
        "attachment_panel": {
            "object": obj,
            "dom_id": f"attachments-{content_type.pk}-{obj.pk}",
            "attachments": list(Attachment.objects.for_object(obj).select_related("uploaded_by")),
            "can_change": can_change,
            "upload_url": reverse("core:attachment_upload", args=[content_type.pk, obj.pk]),
            "panel_url": reverse("core:attachment_panel", args=[content_type.pk, obj.pk]),
            "form": AttachmentUploadForm() if can_change else None,
            "accept": ",".join(f".{ext}" for ext in allowed_extensions()),
            "errors": errors or [],
        }
    }


def _parent(content_type_id: int, object_id: str):
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None:
        raise Http404
    try:
        return model._default_manager.get(pk=object_id)
    except (model.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _respond(request, obj, errors=None):
    if request.headers.get("HX-Request") == "true":
        return render(
            request,
            "core/attachment_panel.html",
            attachment_panel_context(request, obj, errors=errors),
        )
    for error in errors or []:
        messages.error(request, error)
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    if hasattr(obj, "get_absolute_url"):
        return redirect(obj.get_absolute_url())
    return redirect("home")


class AttachmentPanelView(LoginRequiredMixin, View):
    def get(self, request, content_type_id, object_id):
        obj = _parent(content_type_id, object_id)
        if not can_view_parent(request.user, obj):
            raise Http404
        return render(request, "core/attachment_panel.html", attachment_panel_context(request, obj))


class AttachmentUploadView(LoginRequiredMixin, View):
    def post(self, request, content_type_id, object_id):
        obj = _parent(content_type_id, object_id)
        if not can_view_parent(request.user, obj):
            raise Http404
        if not can_change_parent(request.user, obj):
            return _respond(request, obj, [_("You may not add files to this object.")])
        files = request.FILES.getlist("file")
        if not files:
            return _respond(request, obj, [_("Choose a file to upload.")])
        errors, added = [], []
        for uploaded in files:
            try:
                added.append(do_attach(obj, uploaded, actor=request.user))
            except AttachmentRejected as exc:
                errors.append(str(exc))
        if added and request.headers.get("HX-Request") != "true":
            messages.success(
                request,
                _("Uploaded: %(names)s") % {"names": "、".join(a.original_name for a in added)},
            )
        return _respond(request, obj, errors)


class AttachmentDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        obj = attachment.parent
        if obj is None or not can_view_parent(request.user, obj):
            raise Http404
        if not can_change_parent(request.user, obj):
            return _respond(request, obj, [_("You may not remove files from this object.")])
        do_remove_attachment(attachment, actor=request.user)
        if request.headers.get("HX-Request") != "true":
            messages.success(request, _("Removed “%(name)s”.") % {"name": attachment.original_name})
        return _respond(request, obj)


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
        obj = attachment.parent
        if obj is None or not can_view_parent(request.user, obj):
            raise Http404  # do not tell an outsider that the file exists
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("The file is missing from storage.")) from exc
        inline = request.GET.get("inline") == "1" and attachment.mime_type in (
            "application/pdf",
            "image/png",
            "image/jpeg",
            "image/gif",
        )
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=attachment.original_name,
            content_type=attachment.mime_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


urlpatterns = [
    path(
        "attachments/of/<int:content_type_id>/<str:object_id>/",
        AttachmentPanelView.as_view(),
        name="attachment_panel",
    ),
    path(
        "attachments/of/<int:content_type_id>/<str:object_id>/upload/",
        AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/delete/", AttachmentDeleteView.as_view(), name="attachment_delete"),
    path(
        "attachments/<int:pk>/download/",
        AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
]
