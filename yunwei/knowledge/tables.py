import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from yunwei.knowledge.choices import ArticleKind, ArticleStatus
from yunwei.knowledge.models import Article
from yunwei.utilities.tables import BaseTable, ChoiceColumn


class ArticleTable(BaseTable):
    code = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    kind = ChoiceColumn(ArticleKind)
    status = ChoiceColumn(ArticleStatus)
    category = tables.Column()
    system_list = tables.Column(verbose_name=_("systems"), empty_values=(), orderable=False)
    helpful_count = tables.Column(verbose_name=_("helpful"))
    updated_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = Article
        fields = (
            "code",
            "title",
            "kind",
            "category",
            "system_list",
            "status",
            "version",
            "author",
            "helpful_count",
            "updated_at",
        )

    def render_system_list(self, record):
        return "、".join(system.display_short for system in record.systems.all())

    def value_system_list(self, record):
        return self.render_system_list(record)
