"""What the built-in roles may do with the knowledge base (merged by ``sync_roles``).

Everybody with a login may read published articles; engineers, developers and vendor project
managers write them; the O&M owner and tier 2 review and publish them and keep the category
tree. Separation of duties (nobody reviews or publishes their own article) is checked in the
actions.
"""

_READER = ["knowledge.view_article", "knowledge.view_category", "knowledge.view_articleversion"]
_EDITOR = [*_READER, "knowledge.add_article", "knowledge.change_article"]
_REVIEWER = [
    *_EDITOR,
    "knowledge.review_article",
    "knowledge.publish_article",
    "knowledge.add_category",
    "knowledge.change_category",
]

ROLE_PERMISSIONS = {
    "admin": ["knowledge.*"],
    "om_owner": _REVIEWER,
    "tier2": _REVIEWER,
    "tier1": _EDITOR,
    "developer": _EDITOR,
    "vendor_pm": _EDITOR,
    "business_staff": _READER,
    "grassroots_staff": _READER,
    "auditor": _READER,
}
