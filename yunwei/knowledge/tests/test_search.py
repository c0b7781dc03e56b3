import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Q

from yunwei.knowledge import actions, search
from yunwei.knowledge.choices import ArticleStatus
from yunwei.knowledge.models import SearchDocument

pytestmark = pytest.mark.django_db

tickets_installed = apps.is_installed("yunwei.tickets")
needs_tickets = pytest.mark.skipif(not tickets_installed, reason="tickets app not installed")


def _ids(hits, source="article"):
    return {h.object_id for h in hits if h.source == source}


def test_segmentation_uses_the_domain_dictionary():
    words = search.segment("征集单推送失败，回盘报错，三方协议重复签订，WebLogic 表空间")
    for word in ("征集单", "回盘", "三方协议", "weblogic", "表空间"):
        assert word in words
    assert "社保费" in search.query_terms("交不了社保")


def test_postings_and_term_counts_follow_the_documents(people, publish):
    from yunwei.knowledge.models import SearchPosting, SearchTermStat

    def frequency(term):
        return SearchTermStat.objects.filter(term=term).values_list("documents", flat=True).first()

    first = publish(title="表空间不足", body="表空间使用率超过 85%")
    publish(title="表空间扩容", body="加数据文件")
    assert frequency("表空间") == 2
    postings = dict(
        SearchPosting.objects.filter(document__object_id=first.pk).values_list("term", "impact")
    )
    assert postings["表空间"] > postings["使用率"] > 0  # title words weigh more
    actions.do_archive(first, actor=people["owner"])  # same words: postings untouched
    assert frequency("表空间") == 2
    search.remove_object(first)
    assert frequency("表空间") == 1 and frequency("使用率") == 0
    assert not SearchPosting.objects.filter(document__object_id=first.pk).exists()


def test_top_documents_from_a_few_postings_per_word(people, publish):
    """More matching documents than one reading: the best are those a full reading finds."""
    for n in range(40):
        publish(title=f"回盘说明 {n}", body="回盘 " + "其他内容 " * 30)
    best = publish(title="征集单回盘失败", body="回盘失败 征集单 回盘失败")
    hits = search.search(people["reader"], "征集单 回盘失败", limit=3)
    assert hits[0].object_id == best.pk
    weights = search._term_weights(search.weighted_query_terms("回盘"))
    from yunwei.knowledge.models import SearchDocument

    everything = search._top_documents(weights, Q(source="article"), 41)
    assert len(everything) == 41
    shallow = search._top_documents(weights, Q(source="article"), 5)
    assert shallow == everything[:5]
    assert SearchDocument.objects.count() == 41


def test_search_finds_ranks_and_highlights(people, publish):
    hit_article = publish(title="回盘失败后重推", body="回盘批次状态为回盘失败时点击重推。")
    publish(title="打印机卡纸", body="取出卡纸。")
    hits = search.search(people["reader"], "回盘报错")
    assert hits and hits[0].object_id == hit_article.pk
    assert "<mark>回盘</mark>" in hits[0].snippet
    assert "<mark>回盘</mark>" in hits[0].title_html
    assert hits[0].url == hit_article.get_absolute_url()


def test_highlighting_escapes_html(people, publish):
    publish(title="<script>alert(1)</script> 表空间", body="<b>表空间</b> 不足 & ORA-01653")
    hit = search.search(people["reader"], "表空间")[0]
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<b>" not in hit.snippet
    assert "&lt;b&gt;<mark>表空间</mark>&lt;/b&gt;" in hit.snippet
    assert "&amp;" in hit.snippet
    assert search.highlight("a<b", ["<"]) == "a<mark>&lt;</mark>b"


def test_drafts_are_found_only_by_those_who_may_see_them(people, publish, make_user):
    published = publish(title="征集单推送失败", body="重推征集单")
    draft = actions.do_create_article(actor=people["author"], title="征集单缺失", body="征集单")
    reader_hits = _ids(search.search(people["reader"], "征集单"))
    assert published.pk in reader_hits and draft.pk not in reader_hits
    assert draft.pk in _ids(search.search(people["author"], "征集单"))
    assert draft.pk in _ids(search.search(people["reviewer"], "征集单"))
    other_city_editor = make_user("tier1", org="city_b", username="k_cityb")
    assert draft.pk not in _ids(search.search(other_city_editor, "征集单"))
    # Suggestions never offer drafts, not even to their author.
    assert draft.pk not in _ids(search.similar(people["author"], "征集单缺失"))


def test_index_follows_the_workflow(people, publish):
    article = publish(title="OGG 延迟", body="Replicat 延迟")
    doc = SearchDocument.objects.get(source="article", object_id=article.pk)
    assert doc.is_public and doc.status == ArticleStatus.PUBLISHED
    actions.do_archive(article, actor=people["owner"])
    doc.refresh_from_db()
    assert not doc.is_public
    assert article.pk not in _ids(search.search(people["reader"], "OGG 延迟"))
    search.remove_object(article)
    assert not SearchDocument.objects.filter(object_id=article.pk, source="article").exists()


def test_kinds_filter(people, publish):
    faq = publish(title="表空间怎么扩容", body="加数据文件", kind="faq")
    case = publish(title="表空间不足故障", body="ORA-01653", kind="fault_case")
    assert _ids(search.search(people["reader"], "表空间", kinds=["faq"])) == {faq.pk}
    assert _ids(search.search(people["reader"], "表空间", kinds=["article"])) == {faq.pk, case.pk}
    assert search.search(people["reader"], "表空间", kinds=["ticket"]) == []


def test_reindex_command_rebuilds(people, publish, capsys):
    article = publish(title="WebLogic 线程阻塞", body="STUCK 线程")
    SearchDocument.objects.all().delete()
    assert search.search(people["reader"], "线程阻塞") == []
    call_command("knowledge", "reindex")
    assert "Search index rebuilt" in capsys.readouterr().out
    assert article.pk in _ids(search.search(people["reader"], "线程阻塞"))


def test_empty_or_meaningless_queries(people, publish):
    publish()
    assert search.search(people["reader"], "") == []
    assert search.search(people["reader"], "  ，。！") == []
    assert search.similar(people["reader"], "a") == []


def test_anonymous_and_roleless_users_see_nothing(people, publish, make_user):
    from django.contrib.auth.models import AnonymousUser

    publish(title="表空间不足")
    assert search.search(AnonymousUser(), "表空间") == []
    assert search.search(make_user([], username="k_norole"), "表空间") == []


# --- tickets ------------------------------------------------------------------------------


@pytest.fixture
def ticket_world(org_tree, make_user):
    from yunwei.cmdb.tests.factories import SystemFactory
    from yunwei.core.tests.factories import VendorFactory
    from yunwei.tickets.tests.factories import TicketFactory

    vendor = VendorFactory()
    other_vendor = VendorFactory()
    system = SystemFactory(owner_organisation=org_tree["province"], vendors=[vendor])
    ticket_a = TicketFactory(
        title="东区缴费人回盘失败",
        description="人社反馈回盘批次失败",
        organisation=org_tree["county_a1"],
        system=system,
    )
    ticket_b = TicketFactory(
        title="南县回盘文件报错",
        description="回盘文件格式错误",
        organisation=org_tree["county_b1"],
    )
    return {
        "a": ticket_a,
        "b": ticket_b,
        "staff_a": make_user("grassroots_staff", org="county_a1", username="t_staff_a"),
        "staff_b": make_user("grassroots_staff", org="county_b1", username="t_staff_b"),
        "province": make_user("tier2", org="province", username="t_tier2"),
        "vendor_user": make_user("tier1", vendor=vendor, username="t_vendor"),
        "other_vendor_user": make_user("tier1", vendor=other_vendor, username="t_vendor2"),
    }


@needs_tickets
def test_tickets_are_indexed_on_save(ticket_world):
    doc = SearchDocument.objects.get(source="ticket", object_id=ticket_world["a"].pk)
    assert doc.organisation_path == ticket_world["a"].organisation.path
    ticket = ticket_world["a"]
    ticket.title = "东区缴费人户籍挂起"
    ticket.save()
    doc.refresh_from_db()
    assert doc.postings.filter(term="户籍").exists()
    pk = ticket.pk
    ticket.delete()
    assert not SearchDocument.objects.filter(source="ticket", object_id=pk).exists()


@needs_tickets
def test_ticket_hits_follow_the_ticket_scope(ticket_world):
    from yunwei.tickets.models import Ticket

    w = ticket_world
    for key in ("staff_a", "staff_b", "province", "vendor_user", "other_vendor_user"):
        user = w[key]
        found = _ids(search.search(user, "回盘", kinds=["ticket"], limit=50), "ticket")
        allowed = set(Ticket.objects.restrict(user).values_list("pk", flat=True))
        assert found == allowed & {w["a"].pk, w["b"].pk}, key
    assert _ids(search.search(w["staff_a"], "回盘"), "ticket") == {w["a"].pk}
    assert _ids(search.search(w["province"], "回盘"), "ticket") == {w["a"].pk, w["b"].pk}
    assert _ids(search.search(w["vendor_user"], "回盘"), "ticket") == {w["a"].pk}
    assert _ids(search.search(w["other_vendor_user"], "回盘"), "ticket") == set()


@needs_tickets
def test_reporter_sees_own_ticket_outside_the_subtree(ticket_world):
    ticket = ticket_world["b"]
    ticket.reporter = ticket_world["staff_a"]
    ticket.save()
    assert ticket.pk in _ids(search.search(ticket_world["staff_a"], "回盘"), "ticket")


@needs_tickets
def test_similar_offers_tickets_and_articles(ticket_world, people, publish):
    article = publish(title="回盘失败后重推", body="回盘失败时重推")
    hits = search.similar(ticket_world["province"], "今天回盘失败了，人社说没收到")
    assert article.pk in _ids(hits)
    assert ticket_world["a"].pk in _ids(hits, "ticket")


@needs_tickets
def test_article_from_ticket(ticket_world, people):
    from django.core.exceptions import ValidationError

    ticket = ticket_world["a"]
    with pytest.raises(ValidationError):  # no solution yet
        actions.do_article_from_ticket(ticket, actor=ticket_world["province"])
    ticket.kind = "fault"
    ticket.solution = "剔除作废征集单后重新生成回盘批次并重推。"
    ticket.cause_category = "data_error"
    ticket.save()
    article = actions.do_article_from_ticket(ticket, actor=ticket_world["province"])
    assert article.status == ArticleStatus.DRAFT
    assert article.kind == "fault_case"
    assert article.source_ticket == ticket
    assert article.title == ticket.title
    assert "人社反馈回盘批次失败" in article.body and "重新生成回盘批次" in article.body
    assert list(article.systems.all()) == [ticket.system]
    with pytest.raises(ValidationError):  # only once per ticket
        actions.do_article_from_ticket(ticket, actor=ticket_world["province"])
