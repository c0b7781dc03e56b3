from django import forms
from django.utils.translation import gettext_lazy as _

from yunwei.knowledge.models import Article, Category
from yunwei.utilities.forms import BootstrapForm, RestrictedModelForm


class ArticleForm(RestrictedModelForm):
    note = forms.CharField(
        label=_("change note"),
        max_length=200,
        required=False,
        help_text=_("What changed in this version (shown in the version history)."),
    )

    class Meta:
        model = Article
        fields = ["title", "kind", "category", "systems", "tags", "body", "code", "organisation"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organisation"].required = False
        self.fields["organisation"].help_text = _("Left blank: your own organisation.")
        self.fields["code"].required = False
        self.fields["category"].queryset = self.fields["category"].queryset.select_related("parent")


class CategoryForm(RestrictedModelForm):
    class Meta:
        model = Category
        fields = ["name", "parent", "sort_order", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ReviewForm(BootstrapForm):
    note = forms.CharField(label=_("review note"), required=False, widget=forms.Textarea)
