"""Choice sets of the knowledge base: enums with labels (Chinese through i18n) and colours."""

from django.utils.translation import gettext_lazy as _

from yunwei.utilities.choices import ChoiceSet, with_colors


@with_colors(
    {
        "faq": "primary",
        "fault_case": "danger",
        "environment": "info",
        "data_problem": "warning",
        "manual": "secondary",
    }
)
class ArticleKind(ChoiceSet):
    FAQ = "faq", _("FAQ")
    FAULT_CASE = "fault_case", _("Fault case")
    ENVIRONMENT = "environment", _("Environment assurance")
    DATA_PROBLEM = "data_problem", _("Data problem")
    MANUAL = "manual", _("Operation manual")


@with_colors(
    {
        "draft": "secondary",
        "pending": "warning",
        "reviewed": "info",
        "published": "success",
        "archived": "dark",
    }
)
class ArticleStatus(ChoiceSet):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for review")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class SearchSource(ChoiceSet):
    ARTICLE = "article", _("Knowledge article")
    TICKET = "ticket", _("Ticket")
