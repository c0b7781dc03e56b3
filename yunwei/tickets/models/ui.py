"""Things of the tickets UI that are not tickets: a user's saved list filters."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["SavedFilter"]


class SavedFilterQuerySet(models.QuerySet):
    def for_user(self, user):
        """A saved filter is private to the user who saved it."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class SavedFilter(models.Model):
    """A named ticket-list query string (``status=new&system=3``) kept for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_ticket_filters",
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="tickets_savedfilter_user_name")
        ]

    def __str__(self):
        return self.name
