"""Choice sets: enums with Chinese labels (through i18n) and a Bootstrap colour per value."""

from django.db import models


def with_colors(mapping: dict[str, str]):
    """Attach a value → Bootstrap colour mapping to a TextChoices class."""

    def decorate(cls):
        cls.colors = mapping
        return cls

    return decorate


class ChoiceSet(models.TextChoices):
    @classmethod
    def color(cls, value) -> str:
        return getattr(cls, "colors", {}).get(value, "secondary")
