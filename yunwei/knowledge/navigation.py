from django.utils.translation import gettext_lazy as _

from yunwei.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        _("Knowledge base"),
        "book",
        [
            MenuItem(_("Search"), "knowledge:search", "knowledge.view_article"),
            MenuItem(_("Articles"), "knowledge:article_list", "knowledge.view_article"),
            MenuItem(_("Write an article"), "knowledge:article_add", "knowledge.add_article"),
            MenuItem(_("Categories"), "knowledge:category_list", "knowledge.view_category"),
        ],
        order=300,
    )
]
