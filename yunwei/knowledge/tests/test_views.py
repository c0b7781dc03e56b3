import pytest
from django.urls import reverse

from yunwei.core.tests.factories import TEST_PASSWORD
from yunwei.knowledge import actions
from yunwei.knowledge.choices import ArticleStatus
from yunwei.knowledge.models import Article, Category

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_pages_open(client, people, publish):
    article = publish(title="表空间不足", body="- 加数据文件\n- 检查 ASM")
    actions.do_update_article(article, actor=people["author"], body="新正文")
    Category.objects.create(name="基础环境")
    login(client, people["reviewer"])
    for url in [
        reverse("knowledge:article_list"),
        reverse("knowledge:article_list") + "?q=表空间",
        reverse("knowledge:article_list") + "?status=draft&kind=faq",
        reverse("knowledge:article", args=[article.pk]),
        reverse("knowledge:article_add"),
        reverse("knowledge:article_edit", args=[article.pk]),
        reverse("knowledge:article_version", args=[article.pk, 1]),
        reverse("knowledge:article_diff", args=[article.pk]),
        reverse("knowledge:category_list"),
        reverse("knowledge:category_add"),
        reverse("knowledge:search") + "?q=表空间",
        reverse("knowledge:suggest") + "?text=表空间满了",
        reverse("home"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_list_search_shows_highlighted_hits(client, people, publish):
    publish(title="回盘失败后重推", body="回盘批次失败时重推")
    response = login(client, people["reader"]).get(
        reverse("knowledge:article_list") + "?q=回盘报错"
    )
    assert "<mark>回盘</mark>" in response.content.decode()


def test_add_edit_and_workflow_buttons(client, people):
    login(client, people["author"])
    response = client.post(
        reverse("knowledge:article_add"),
        {"title": "三方协议重复签订", "kind": "faq", "body": "解约后重签", "tags": "重复签约"},
    )
    article = Article.objects.get(title="三方协议重复签订")
    assert response.status_code == 302 and article.author == people["author"]
    client.post(
        reverse("knowledge:article_edit", args=[article.pk]),
        {"title": "三方协议重复签订", "kind": "faq", "body": "先解约再重签", "note": "补充"},
    )
    article.refresh_from_db()
    assert article.version == 2
    client.post(reverse("knowledge:article_action", args=[article.pk, "submit"]))
    article.refresh_from_db()
    assert article.status == ArticleStatus.PENDING
    # The author cannot approve: the message says why, nothing changes.
    login(client, people["author"])
    client.post(reverse("knowledge:article_action", args=[article.pk, "approve"]))
    article.refresh_from_db()
    assert article.status == ArticleStatus.PENDING
    login(client, people["reviewer"])
    page = client.get(reverse("knowledge:article", args=[article.pk])).content.decode()
    assert "review-form" in page
    client.post(reverse("knowledge:article_action", args=[article.pk, "approve"]))
    client.post(reverse("knowledge:article_action", args=[article.pk, "publish"]))
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    login(client, people["reader"])
    client.post(reverse("knowledge:article_action", args=[article.pk, "helpful"]))
    article.refresh_from_db()
    assert article.helpful_count == 1


def test_reader_cannot_open_drafts_or_write(client, people):
    draft = actions.do_create_article(actor=people["author"], title="草稿", body="x")
    login(client, people["reader"])
    assert client.get(reverse("knowledge:article", args=[draft.pk])).status_code == 404
    assert client.get(reverse("knowledge:article_add")).status_code == 403


def test_suggest_is_a_fragment(client, people, publish):
    publish(title="打印机卡纸", body="自助办税终端打印机卡纸")
    response = login(client, people["reader"]).get(
        reverse("knowledge:suggest"), {"title": "自助机打印机卡纸了", "description": ""}
    )
    html = response.content.decode()
    assert "<mark>" in html and "<html" not in html
    empty = client.get(reverse("knowledge:suggest"), {"text": "x"})
    assert empty.content.decode().strip() == ""


def test_api_crud_workflow_and_search(client, people):
    login(client, people["author"])
    response = client.post(
        "/api/knowledge/articles/",
        {"title": "OGG 延迟", "body": "Replicat 延迟处理", "kind": "environment"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    response = client.patch(
        f"/api/knowledge/articles/{pk}/",
        {"body": "Replicat 延迟：补建索引", "note": "补充"},
        content_type="application/json",
    )
    assert response.json()["version"] == 2
    assert client.post(f"/api/knowledge/articles/{pk}/submit/").json()["status"] == "pending"
    bad = client.post(
        f"/api/knowledge/articles/{pk}/review/", {"approve": True}, content_type="application/json"
    )
    assert bad.status_code == 403  # tier 1 may not review
    login(client, people["reviewer"])
    client.post(
        f"/api/knowledge/articles/{pk}/review/", {"approve": True}, content_type="application/json"
    )
    assert client.post(f"/api/knowledge/articles/{pk}/publish/").json()["status"] == "published"
    login(client, people["reader"])
    hits = client.get("/api/knowledge/search/", {"q": "ogg延迟"}).json()
    assert hits[0]["object_id"] == pk and "<mark>" in hits[0]["snippet"]
    assert client.get("/api/knowledge/suggest/", {"text": "OGG 复制延迟"}).json()
    assert len(client.get(f"/api/knowledge/articles/{pk}/versions/").json()) == 2
    vote = client.post(
        f"/api/knowledge/articles/{pk}/vote/", {"helpful": True}, content_type="application/json"
    )
    assert vote.json()["helpful_count"] == 1
    assert client.delete(f"/api/knowledge/articles/{pk}/").status_code == 403
