import pytest

from yunwei.knowledge import actions


@pytest.fixture
def people(make_user):
    """An author (tier 1), a second author (developer), reviewers (tier 2, O&M owner) and a
    reader (grassroots staff, in another city)."""
    return {
        "author": make_user("tier1", username="k_author"),
        "author2": make_user("developer", username="k_dev"),
        "reviewer": make_user("tier2", username="k_reviewer"),
        "owner": make_user("om_owner", username="k_owner"),
        "reader": make_user("grassroots_staff", org="county_b1", username="k_reader"),
        "reader_a": make_user("grassroots_staff", org="county_a1", username="k_reader_a"),
    }


@pytest.fixture
def publish(people):
    """publish(title=…, body=…, …) → a published article written by people["author"]."""

    def make(author=None, reviewer=None, **fields):
        author = author or people["author"]
        reviewer = reviewer or people["reviewer"]
        fields.setdefault("title", "测试文章")
        fields.setdefault("body", "正文")
        article = actions.do_create_article(actor=author, **fields)
        actions.do_submit_for_review(article, actor=author)
        actions.do_review(article, actor=reviewer, approve=True)
        return actions.do_publish(article, actor=reviewer)

    return make
