"""Request context (request id, source IP) for the audit log, kept in a context variable."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    source_ip: str | None = None


_EMPTY = RequestContext()
_context: ContextVar[RequestContext | None] = ContextVar("yunwei_request", default=None)


def current_request_context() -> RequestContext:
    return _context.get() or _EMPTY


def client_ip(request) -> str | None:
    # Behind nginx the real address arrives in X-Real-IP (see docs/operations.md).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        request.request_id = request_id[:64]
        token = _context.set(RequestContext(request.request_id, client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            _context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class LanguageMiddleware:
    """Chinese unless the user picked another language in the menu (the language cookie).

    The browser's Accept-Language is ignored on purpose: the bureau works in Chinese whatever
    the workstation's locale is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
