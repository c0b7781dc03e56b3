from yunwei.core.navigation import menu_for


def navigation(request):
    """Menu, unread-message count and calendar warnings for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    from yunwei.core import notify, workcalendar

    return {
        "menu": menu_for(user),
        "unread_count": notify.unread_count(user),
        "calendar_warnings": workcalendar.calendar_warnings(request),
    }
