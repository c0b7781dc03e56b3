"""Search quality over the demo corpus: recall@10 of realistic queries (≥ 0.9).

Runs on whichever database the suite uses (SQLite by default, PostgreSQL with DATABASE_URL)."""

from pathlib import Path

import pytest
import yaml
from django.db import connection

from yunwei.knowledge.demo import load_demo_knowledge
from yunwei.knowledge.demo_articles import ARTICLES
from yunwei.knowledge.models import Article
from yunwei.knowledge.search import search

QUERIES = yaml.safe_load((Path(__file__).with_name("search_queries.yaml")).read_text("utf-8"))


def test_queries_name_demo_articles():
    codes = {a[0] for a in ARTICLES}
    assert len(QUERIES) >= 50
    assert len(ARTICLES) >= 60
    assert {q["expected"] for q in QUERIES} <= codes


@pytest.mark.django_db
def test_recall_at_10(people, capsys):
    load_demo_knowledge(actor=people["author"])
    ids = dict(Article.objects.values_list("code", "pk"))
    misses, ranks = [], []
    for item in QUERIES:
        hits = search(people["reader"], item["query"], kinds=["article"], limit=10)
        found = [h.object_id for h in hits]
        if ids[item["expected"]] in found:
            ranks.append(found.index(ids[item["expected"]]) + 1)
        else:
            misses.append((item["query"], item["expected"], [h.title for h in hits[:3]]))
    recall = 1 - len(misses) / len(QUERIES)
    top1 = sum(1 for r in ranks if r == 1) / len(QUERIES)
    top3 = sum(1 for r in ranks if r <= 3) / len(QUERIES)
    mrr = sum(1 / r for r in ranks) / len(QUERIES)
    with capsys.disabled():
        print(
            f"\n[{connection.vendor}] {len(QUERIES)} queries: recall@10 = {recall:.3f}, "
            f"recall@3 = {top3:.3f}, recall@1 = {top1:.3f}, MRR = {mrr:.3f}"
        )
        for miss in misses:
            print("  MISS", miss)
    assert recall >= 0.9, misses
