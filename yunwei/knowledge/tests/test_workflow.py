import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yunwei.core.models import AuditEntry
from yunwei.knowledge import actions
from yunwei.knowledge.choices import ArticleKind, ArticleStatus
from yunwei.knowledge.models import Article, ArticleVersion, Vote
from yunwei.knowledge.views import diff_lines

pytestmark = pytest.mark.django_db


def _draft(people, **fields):
    fields.setdefault("title", "回盘失败重推")
    fields.setdefault("body", "第一行\n第二行")
    return actions.do_create_article(actor=people["author"], **fields)


def test_full_workflow_and_audit(people):
    article = _draft(people, kind=ArticleKind.FAULT_CASE)
    assert article.status == ArticleStatus.DRAFT
    assert article.code == f"KB{article.pk:05d}"
    assert article.versions.count() == 1
    article = actions.do_submit_for_review(article, actor=people["author"])
    assert article.status == ArticleStatus.PENDING
    article = actions.do_review(article, actor=people["reviewer"], approve=True)
    assert article.status == ArticleStatus.REVIEWED
    assert article.reviewer == people["reviewer"]
    article = actions.do_publish(article, actor=people["owner"])
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at is not None
    article = actions.do_archive(article, actor=people["owner"], reason="版本已升级")
    assert article.status == ArticleStatus.ARCHIVED
    recorded = list(
        AuditEntry.objects.filter(object_type="knowledge.article", object_id=str(article.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert recorded == [
        "knowledge.article.create",
        "knowledge.article.submit",
        "knowledge.article.approve",
        "knowledge.article.publish",
        "knowledge.article.archive",
    ]


def test_reviewers_are_notified(people):
    from yunwei.core.models import Notification

    article = _draft(people)
    actions.do_submit_for_review(article, actor=people["author"])
    recipients = set(
        Notification.objects.filter(event="knowledge.review_requested").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"k_reviewer", "k_owner"} <= recipients
    assert "k_author" not in recipients


def test_author_cannot_review_or_publish_own_article(people):
    # The author holds review rights too (tier 2): separation of duties still applies.
    article = actions.do_create_article(actor=people["reviewer"], title="表空间不足", body="扩容")
    actions.do_submit_for_review(article, actor=people["reviewer"])
    with pytest.raises(ValidationError):
        actions.do_review(article, actor=people["reviewer"], approve=True)
    actions.do_review(article, actor=people["owner"], approve=True)
    with pytest.raises(ValidationError):
        actions.do_publish(article, actor=people["reviewer"])
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEWED


def test_editor_of_current_version_cannot_review(people):
    article = _draft(people)
    article = actions.do_update_article(
        article, actor=people["reviewer"], body="二线改写的正文", note="补充"
    )
    actions.do_submit_for_review(article, actor=people["author"])
    with pytest.raises(ValidationError):
        actions.do_review(article, actor=people["reviewer"], approve=True)
    actions.do_review(article, actor=people["owner"], approve=True)


def test_superuser_gets_no_exemption(people, make_user):
    boss = make_user("admin", username="k_admin")
    boss.is_superuser = True
    boss.save()
    article = actions.do_create_article(actor=boss, title="标题", body="正文")
    actions.do_submit_for_review(article, actor=boss)
    with pytest.raises(ValidationError):
        actions.do_review(article, actor=boss, approve=True)


def test_reject_needs_a_note_and_returns_to_draft(people):
    article = _draft(people)
    actions.do_submit_for_review(article, actor=people["author"])
    with pytest.raises(ValidationError):
        actions.do_review(article, actor=people["reviewer"], approve=False, note="  ")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PENDING
    article = actions.do_review(article, actor=people["reviewer"], approve=False, note="缺少原因")
    assert article.status == ArticleStatus.DRAFT
    assert article.review_note == "缺少原因"


def test_invalid_transitions_change_nothing(people):
    article = _draft(people)
    with pytest.raises(ValidationError):
        actions.do_publish(article, actor=people["reviewer"])
    with pytest.raises(ValidationError):
        actions.do_review(article, actor=people["reviewer"], approve=True)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_permissions_are_checked(people):
    article = _draft(people)
    actions.do_submit_for_review(article, actor=people["author"])
    with pytest.raises(PermissionDenied):
        actions.do_review(article, actor=people["author2"], approve=True)  # developer: no review
    with pytest.raises(PermissionDenied):
        actions.do_create_article(actor=people["reader"], title="x", body="y")


def test_versions_and_diff(people, publish):
    article = publish(title="征集单推送失败", body="现象\n原因：超时\n处理：重推")
    assert article.version == 1
    article = actions.do_update_article(
        article, actor=people["author"], body="现象\n原因：批次校验失败\n处理：重推", note="改原因"
    )
    assert article.version == 2
    # Editing a published article sends it back for review.
    assert article.status == ArticleStatus.DRAFT
    assert article.reviewer is None
    versions = list(ArticleVersion.objects.filter(article=article).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].note == "改原因"
    lines = diff_lines(versions[0], versions[1])
    assert ("removed", "-原因：超时") in lines
    assert ("added", "+原因：批次校验失败") in lines
    # Saving without a change makes no version.
    article = actions.do_update_article(article, actor=people["author"], body=article.body)
    assert article.version == 2


def test_unknown_fields_are_refused(people):
    article = _draft(people)
    with pytest.raises(ValidationError):
        actions.do_update_article(article, actor=people["author"], status="published")


def test_votes_one_per_user(people, publish):
    article = publish()
    actions.do_vote(article, actor=people["reader"], helpful=True)
    actions.do_vote(article, actor=people["reader"], helpful=True)
    actions.do_vote(article, actor=people["reader_a"], helpful=False)
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (1, 1)
    actions.do_vote(article, actor=people["reader"], helpful=False)
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (0, 2)
    assert Vote.objects.filter(article=article).count() == 2


def test_drafts_cannot_be_rated(people):
    article = _draft(people)
    with pytest.raises((ValidationError, PermissionDenied)):
        actions.do_vote(article, actor=people["author"], helpful=True)


def test_scope_of_articles(people, publish, make_user):
    published = publish(title="已发布")
    draft = _draft(people, title="草稿")
    reader = people["reader"]
    visible = set(Article.objects.restrict(reader).values_list("pk", flat=True))
    assert published.pk in visible and draft.pk not in visible
    # An editor in another city does not see the province's draft; the author does.
    other_editor = make_user("tier1", org="city_b", username="k_other")
    assert not Article.objects.restrict(other_editor).filter(pk=draft.pk).exists()
    assert Article.objects.restrict(people["author"]).filter(pk=draft.pk).exists()
    assert Article.objects.restrict(people["reviewer"]).filter(pk=draft.pk).exists()


def test_delete_only_unpublished_drafts(people, publish, make_user):
    admin = make_user("admin", username="k_admin2")
    article = publish()
    with pytest.raises(ValidationError):
        actions.do_delete_article(article, actor=admin)
    draft = _draft(people)
    actions.do_delete_article(draft, actor=admin)
    assert not Article.objects.filter(pk=draft.pk).exists()
