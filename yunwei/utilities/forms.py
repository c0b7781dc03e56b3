"""Form helpers shared by every app."""

from django import forms
from django.db.models import QuerySet


class BootstrapMixin:
    """Adds Bootstrap classes to widgets."""

    def _style_fields(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class RestrictedModelForm(BootstrapMixin, forms.ModelForm):
    """A ModelForm whose related-object choices are limited to what ``user`` may see."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if (
                user is not None
                and isinstance(queryset, QuerySet)
                and hasattr(queryset, "restrict")
            ):
                field.queryset = queryset.restrict(user, "view")
        self._style_fields()


class BootstrapForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_fields()


class ImportForm(BootstrapForm):
    file = forms.FileField(label="Excel", help_text=".xlsx")
