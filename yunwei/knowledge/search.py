"""Chinese full-text search over knowledge articles and tickets.

Text is segmented with jieba in search mode (``cut_for_search``: long words and the shorter
words inside them) with a user dictionary of tax and O&M terms (``dict.txt``). Each object
becomes one ``SearchDocument`` row (title, body, scope fields) and one ``SearchPosting`` row
per distinct word with the word's BM25F weight in that document (title words count
``TITLE_WEIGHT`` times); ``SearchTermStat`` counts the documents holding each word. The same
tables serve SQLite, PostgreSQL and any other database Django supports.

A query is segmented the same way; its words are OR-ed (AND loses too much recall in Chinese)
and a document's score is the sum over the query words of word weight × rarity (IDF) ×
impact. The best documents are found without reading every match: each word's best few dozen
postings are read from an index, and only the documents seen are scored (``_top_documents``
says when that is exact). Results are limited in SQL to what the user may see, using the scope
fields stored on each document.

Other apps make their models searchable with ``register_indexer(model_label, fn)``; ``fn(obj)``
returns the fields of the document, or None to keep the object out of the index.
"""

import functools
import html
import logging
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

DICT_PATH = Path(__file__).with_name("dict.txt")
TITLE_WEIGHT = 5.0  # weight of a word in the title (+ keywords) against 1.0 in the body
MAX_QUERY_TERMS = 24

# Words that say nothing about the problem (how users phrase questions).
STOPWORDS = frozenset(
    """
    的 了 吗 呢 啊 吧 呀 哦 嘛 么 着 过 和 与 及 或 跟 把 被 让
    给 对 在 是 有 没 没有 就 都 也 还 又 要 会 能 可以 可能 应该
    需要 怎么 怎么办 怎么回事 怎样 如何 什么 为什么 为啥 啥 咋 咋办
    咋回事 请问 请 一下 一直 这个 那个 这 那 哪 哪里 哪个 个 些 我
    我们 你 你们 他 她 它 他们 您 今天 现在 然后 但是 因为 所以 如果 不了
    老是 总是 突然 好像 问题 情况 处理 解决 办法 方法 一个 不是 还是
    已经 时候 时 后 前 里 上 下 中 说 看 到 去 来 用 做 点 多 很
    太 the a an of to is in on and or
    """.split()
)

# Colloquial words → the terms written in articles (query side only).
SYNONYMS = {
    "交": ["缴费"],
    "交费": ["缴费"],
    "交钱": ["缴费"],
    "社保": ["社保费"],
    "扣款": ["批扣", "扣费"],
    "扣钱": ["批扣", "扣款"],
    "扣费": ["批扣", "扣款"],
    "银行卡": ["银行", "账户"],
    "满": ["不足", "空间"],
    "满了": ["不足", "空间"],
    "不够": ["不足"],
    "卡纸": ["打印机", "卡纸"],
    "打印": ["打印机"],
    "登不上": ["登录", "无法登录"],
    "登陆": ["登录"],
    "进不去": ["登录", "无法访问"],
    "打不开": ["无法访问", "打开"],
    "报错": ["错误", "异常", "失败"],
    "出错": ["错误", "异常"],
    "错误": ["异常", "报错"],
    "慢": ["缓慢", "性能"],
    "很慢": ["缓慢", "性能"],
    "卡": ["缓慢", "阻塞"],
    "卡死": ["阻塞", "无响应"],
    "挂了": ["宕机", "无响应"],
    "死机": ["无响应", "宕机"],
    "延时": ["延迟"],
    "同步": ["复制", "延迟"],
    "重复": ["重复签订"],
    "签约": ["三方协议", "签订"],
    "协议": ["三方协议"],
    "推送": ["推送", "下发"],
    "收不到": ["未收到", "接收"],
    "没收到": ["未收到", "接收"],
    "退钱": ["退费"],
    "退款": ["退费"],
    "证明": ["缴费证明", "完税证明"],
    "户口": ["户籍"],
    "身份证": ["身份证号", "证件号码"],
    "密码": ["密码", "口令"],
    "证书": ["证书", "CA"],
    "没反应": ["无响应"],
    "断网": ["网络", "中断"],
    "上不了网": ["网络", "中断"],
    "数据库": ["Oracle", "数据库"],
    "锁表": ["锁", "死锁"],
    "卡住": ["阻塞", "挂起"],
    "不一致": ["不一致", "差异", "对账"],
    "对不上": ["不一致", "差异", "对账"],
    "少了": ["缺失", "丢失"],
    "丢了": ["缺失", "丢失"],
}

_WORD = re.compile(r"[^\W_]")
_tokenizer = None
_tokenizer_lock = threading.Lock()


def tokenizer():
    """The jieba tokenizer with the user dictionary (built once per process)."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.load_userdict(str(DICT_PATH))
                _tokenizer = instance
    return _tokenizer


def segment(text: str) -> list[str]:
    """Search-mode words of ``text``, lower-cased, punctuation and spaces dropped."""
    return list(_segment(text)) if text else []


@functools.lru_cache(maxsize=2048)
def _segment(text: str) -> tuple[str, ...]:
    # Cached: tickets and articles repeat titles and stock phrases, and a reindex meets them often.
    words = []
    for token in tokenizer().cut_for_search(text):
        token = token.strip().lower()
        if token and _WORD.search(token):
            words.append(token)
    return tuple(words)


SYNONYM_WEIGHT = 0.4  # weight of words added to a query beside the user's own words


def weighted_query_terms(text: str, max_terms: int = MAX_QUERY_TERMS) -> list[tuple[str, float]]:
    """The words a query is searched by, with weights: segmented, stop words and lone Chinese
    characters dropped (unless nothing else is left). Colloquial words are expanded: words that
    stand in for a dropped one (交 → 缴费) count fully, words added beside a kept one (报错 →
    错误, 异常) count ``SYNONYM_WEIGHT``, so that they help recall without outranking the
    user's own words."""
    tokens = segment(text)
    weights: dict[str, float] = {}

    def add(word, weight):
        word = word.lower()
        weights[word] = max(weight, weights.get(word, 0.0))

    for token in tokens:
        if token in STOPWORDS or (len(token) == 1 and not token.isdigit()):
            for synonym in SYNONYMS.get(token, ()):
                add(synonym, 1.0)
            continue
        add(token, 1.0)
        for synonym in SYNONYMS.get(token, ()):
            add(synonym, SYNONYM_WEIGHT)
    if not weights:
        for token in tokens:
            if token not in STOPWORDS:
                add(token, 1.0)
    ordered = sorted(weights.items(), key=lambda item: -item[1])  # stable: own words first
    return ordered[:max_terms]


def query_terms(text: str, max_terms: int = MAX_QUERY_TERMS) -> list[str]:
    return [term for term, _weight in weighted_query_terms(text, max_terms)]


# --- Indexer registry ------------------------------------------------------------------------


@dataclass
class Indexer:
    model_label: str
    source: str
    fn: Callable
    queryset: Callable | None = None
    scope: Callable | None = None


_REGISTRY: dict[str, Indexer] = {}


def register_indexer(
    model_label: str,
    fn: Callable,
    *,
    source: str | None = None,
    queryset: Callable | None = None,
    scope: Callable | None = None,
) -> Indexer:
    """Make a model searchable.

    ``fn(obj)`` returns a dict with ``title``, ``body`` and optionally ``keywords`` (weighted
    like the title), ``kind``, ``status``, ``is_public``, ``organisation_path``, ``system_id``,
    ``vendor_ids``, ``user_ids`` (iterables of ids), ``url``, ``updated_at`` — or None to keep
    the object out of the index. ``queryset()`` gives the objects for ``reindex_all`` (with the
    joins ``fn`` needs); ``scope(user)`` the Q on SearchDocument of the documents ``user`` may
    see (default: ``fields_scope`` with the model's view permission).
    """
    label = model_label.lower()
    model_name = label.split(".")[1]
    indexer = Indexer(label, source or model_name, fn, queryset, scope)
    _REGISTRY[label] = indexer
    return indexer


def registered() -> dict[str, Indexer]:
    return dict(_REGISTRY)


def _id_list(values) -> str:
    ids = sorted({int(v) for v in values or () if v is not None})
    return "," + ",".join(str(v) for v in ids) + "," if ids else ""


def fields_scope(user, source: str, permission: str, *, editor_permissions=()) -> Q | None:
    """Scope of the documents of ``source`` for ``user``, mirroring ``restrict()``:
    full-scope users see all; others see public documents, documents naming them in
    ``user_ids``, and, for vendor users, documents whose ``vendor_ids`` hold their vendor, for
    bureau users, documents of their organisation subtree. With ``editor_permissions`` the
    subtree/vendor part applies only to users holding one of them (article drafts)."""
    if not user.has_perm(permission):
        return None
    base = Q(source=source)
    if user.is_superuser or user.has_full_data_scope:
        return base
    condition = Q(is_public=True) | Q(user_ids__contains=f",{user.pk},")
    if not editor_permissions or any(user.has_perm(p) for p in editor_permissions):
        if user.vendor_id:
            condition |= Q(vendor_ids__contains=f",{user.vendor_id},")
        if user.organisation_id and (editor_permissions or not user.vendor_id):
            condition |= Q(organisation_path__startswith=user.scope_path)
    return base & condition


def scope_q(user, sources=None) -> Q | None:
    """The documents ``user`` may see, or None when nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    combined = None
    for indexer in _REGISTRY.values():
        if sources and indexer.source not in sources:
            continue
        if indexer.scope is not None:
            part = indexer.scope(user)
        else:
            app_label, model_name = indexer.model_label.split(".")
            part = fields_scope(user, indexer.source, f"{app_label}.view_{model_name}")
        if part is not None:
            combined = part if combined is None else combined | part
    return combined


# --- Index: documents, postings, term statistics ---------------------------------------------

# BM25F-style weights: a word in the title (or keywords) counts TITLE_WEIGHT times one in the
# body; K1 saturates repeated words, B normalises by length against AVERAGE_LENGTH words.
K1 = 1.2
B = 0.75
AVERAGE_LENGTH = 80.0
TERM_MAX_LENGTH = 64


def impacts(title_words: list[str], body_words: list[str]) -> dict[str, float]:
    """Each word's weight in one document (the BM25F term weight without the word's rarity,
    which is applied at query time)."""
    frequency: dict[str, float] = {}
    for word in title_words:
        frequency[word] = frequency.get(word, 0.0) + TITLE_WEIGHT
    for word in body_words:
        frequency[word] = frequency.get(word, 0.0) + 1.0
    norm = K1 * (1 - B + B * (len(title_words) + len(body_words)) / AVERAGE_LENGTH)
    return {
        word[:TERM_MAX_LENGTH]: round(tf * (K1 + 1) / (tf + norm), 6)
        for word, tf in frequency.items()
    }


def _document_values(indexer: Indexer, obj) -> tuple[dict, dict[str, float]] | None:
    fields = indexer.fn(obj)
    if fields is None:
        return None
    title = str(fields.get("title") or "")[:300]
    body = str(fields.get("body") or "")
    keywords = str(fields.get("keywords") or "")
    values = {
        "kind": str(fields.get("kind") or "")[:30],
        "title": title,
        "body": body,
        "status": str(fields.get("status") or "")[:20],
        "is_public": bool(fields.get("is_public", False)),
        "organisation_path": str(fields.get("organisation_path") or "")[:255],
        "system_id": fields.get("system_id"),
        "vendor_ids": _id_list(fields.get("vendor_ids"))[:255],
        "user_ids": _id_list(fields.get("user_ids"))[:255],
        "url": str(fields.get("url") or "")[:300],
        "updated_at": fields.get("updated_at") or timezone.now(),
    }
    return values, impacts(segment(f"{title} {keywords}"), segment(body))


def _count_terms(added, removed) -> None:
    """Keep document frequencies up to date (terms in sorted order: no lock-order deadlock)."""
    from django.db.models import F

    from yunwei.knowledge.models import SearchTermStat

    added, removed = sorted(set(added)), sorted(set(removed))
    if added:
        SearchTermStat.objects.bulk_create(
            [SearchTermStat(term=t, documents=0) for t in added], ignore_conflicts=True
        )
        SearchTermStat.objects.filter(term__in=added).update(documents=F("documents") + 1)
    if removed:
        SearchTermStat.objects.filter(term__in=removed).update(documents=F("documents") - 1)


def index_object(obj):
    """Add or refresh ``obj``'s document (call inside the action's transaction). Its postings
    are rewritten only when its words changed (a status change touches one row)."""
    from yunwei.knowledge.models import SearchDocument, SearchPosting

    indexer = _REGISTRY.get(obj._meta.label_lower)
    if indexer is None:
        return None
    result = _document_values(indexer, obj)
    if result is None:
        remove_object(obj)
        return None
    values, weights = result
    with transaction.atomic():
        doc, _created = SearchDocument.objects.update_or_create(
            source=indexer.source, object_id=obj.pk, defaults=values
        )
        old = dict(SearchPosting.objects.filter(document=doc).values_list("term", "impact"))
        if old != weights:
            SearchPosting.objects.filter(document=doc).delete()
            SearchPosting.objects.bulk_create(
                [SearchPosting(document=doc, term=t, impact=w) for t, w in weights.items()]
            )
            _count_terms(weights.keys() - old.keys(), old.keys() - weights.keys())
    return doc


def remove_object(obj=None, *, source: str | None = None, object_id=None) -> int:
    """Drop the document of ``obj`` (or of ``source``/``object_id``)."""
    from yunwei.knowledge.models import SearchDocument, SearchPosting

    if obj is not None:
        indexer = _REGISTRY.get(obj._meta.label_lower)
        if indexer is None:
            return 0
        source, object_id = indexer.source, obj.pk
    with transaction.atomic():
        docs = SearchDocument.objects.filter(source=source, object_id=object_id)
        terms = list(SearchPosting.objects.filter(document__in=docs).values_list("term", flat=True))
        _count_terms((), terms)
        deleted = len(docs.values_list("pk", flat=True))
        docs.delete()
    return deleted


def reindex_all(progress: Callable | None = None, batch_size: int = 1000) -> dict[str, int]:
    """Rebuild the whole index; ``progress(source, done, total)`` is called per batch."""
    from yunwei.knowledge.models import SearchDocument, SearchPosting, SearchTermStat

    counts: dict[str, int] = {}
    frequencies: dict[str, int] = {}

    def flush(batch):
        docs = SearchDocument.objects.bulk_create([doc for doc, _weights in batch])
        postings = []
        for doc, weights in batch:
            for term, weight in weights.items():
                postings.append(SearchPosting(document_id=doc.pk, term=term, impact=weight))
                frequencies[term] = frequencies.get(term, 0) + 1
        SearchPosting.objects.bulk_create(postings, batch_size=10_000)
        return len(docs)

    with transaction.atomic():
        SearchPosting.objects.all().delete()
        SearchTermStat.objects.all().delete()
        SearchDocument.objects.all().delete()
        for indexer in _REGISTRY.values():
            if indexer.queryset is not None:
                queryset = indexer.queryset()
            else:
                from django.apps import apps

                queryset = apps.get_model(indexer.model_label)._default_manager.all()
            total = queryset.count()
            done, made, batch = 0, 0, []
            for obj in queryset.iterator(chunk_size=batch_size):
                result = _document_values(indexer, obj)
                done += 1
                if result is not None:
                    values, weights = result
                    batch.append(
                        (SearchDocument(source=indexer.source, object_id=obj.pk, **values), weights)
                    )
                if len(batch) >= batch_size:
                    made += flush(batch)
                    batch = []
                    if progress:
                        progress(indexer.source, done, total)
            if batch:
                made += flush(batch)
            counts[indexer.source] = made
            if progress:
                progress(indexer.source, done, total)
        SearchTermStat.objects.bulk_create(
            [SearchTermStat(term=t, documents=n) for t, n in frequencies.items()],
            batch_size=10_000,
        )
    cache.delete(TOTAL_CACHE_KEY)
    return counts


# --- Query -----------------------------------------------------------------------------------


@dataclass
class Hit:
    source: str
    object_id: int
    title: str
    snippet: SafeString
    url: str
    score: float
    kind: str = ""
    status: str = ""
    title_html: str = ""


def _highlight_pattern(terms: list[str]):
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` HTML-escaped, with each occurrence of a term wrapped in <mark>."""
    pattern = _highlight_pattern(terms)
    if pattern is None:
        return mark_safe(html.escape(text))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))


def snippet(text: str, terms: list[str], width: int = 140) -> SafeString:
    """The part of ``text`` (about ``width`` characters) with the most distinct query terms,
    escaped, with the terms marked."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return mark_safe("")
    pattern = _highlight_pattern(terms)
    start = 0
    if pattern is not None:
        matches = list(pattern.finditer(text))
        best, best_count = None, 0
        for match in matches:
            begin = max(0, match.start() - 20)
            found = {
                m.group(0).lower()
                for m in matches
                if begin <= m.start() and m.end() <= begin + width
            }
            if len(found) > best_count:
                best, best_count = begin, len(found)
        if best is not None:
            start = best
    end = min(len(text), start + width)
    if end - start < width:
        start = max(0, end - width)
    body = highlight(text[start:end], terms)
    return mark_safe(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))


TOTAL_CACHE_KEY = "knowledge:search:documents"


def _term_weights(weighted: list[tuple[str, float]]) -> dict[str, float]:
    """Each query word's weight times its rarity (BM25 IDF over the document frequencies)."""
    from yunwei.knowledge.models import SearchDocument, SearchTermStat

    total = cache.get(TOTAL_CACHE_KEY)
    if total is None:
        total = SearchDocument.objects.count()
        cache.set(TOTAL_CACHE_KEY, total, 600)
    frequencies = dict(
        SearchTermStat.objects.filter(
            term__in=[t for t, _w in weighted], documents__gt=0
        ).values_list("term", "documents")
    )
    return {
        term: weight * math.log(1 + (max(total, df) - df + 0.5) / (df + 0.5))
        for term, weight in weighted
        if (df := frequencies.get(term))
    }


def _prefixed(condition: Q, prefix: str) -> Q:
    """``condition`` on SearchDocument rewritten for a model that reaches it by ``prefix``."""
    copy = Q()
    copy.connector, copy.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            copy.children.append(_prefixed(child, prefix))
        else:
            copy.children.append((prefix + child[0], child[1]))
    return copy


_WORD_PARAMETER = "\x00word"
DEPTH = 40  # postings read per word (at least 4 × the results asked for)


def _top_documents(weights: dict[str, float], scope: Q, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best documents within ``scope`` by Σ weight × impact, among the documents
    that are among the ``depth`` best of at least one query word.

    Reads each word's best ``depth`` postings (index order, a few dozen rows however common
    the word). A document holds each word it was not seen with at most that word's last impact
    read (the word's *floor*; zero when all of its postings were read), so every document found
    has a lower and an upper score; the missing words are looked up only for documents whose
    upper score reaches the ``limit``-th lower one. The answer is exact whenever a rare word
    was read to its end or the ``limit``-th score reaches the sum of the floors (no unseen
    document can beat it); otherwise a document that is nowhere near the top for any single
    word but holds all of them could be missed — the price of reading dozens of rows, not
    hundreds of thousands, for a common word."""
    from yunwei.knowledge.models import SearchPosting

    depth = max(limit * 4, DEPTH)
    # One statement compiled, executed per word (the ORM would rebuild it each time).
    sql, params = (
        SearchPosting.objects.filter(_prefixed(scope, "document__"))
        .filter(term=_WORD_PARAMETER)
        .order_by("-impact", "-document_id")
        .values_list("document_id", "impact")[:depth]
        .query.sql_with_params()
    )
    slot = list(params).index(_WORD_PARAMETER)
    known: dict[int, dict[str, float]] = {}
    floor: dict[str, float] = {}
    with connection.cursor() as cursor:
        for term in weights:
            cursor.execute(sql, [*params[:slot], term, *params[slot + 1 :]])
            rows = cursor.fetchall()
            for doc_id, impact in rows:
                known.setdefault(doc_id, {})[term] = impact
            floor[term] = rows[-1][1] if len(rows) == depth else 0.0
    scores = {
        doc_id: sum(weights[t] * impact for t, impact in words.items())
        for doc_id, words in known.items()
    }
    kth = sorted(scores.values(), reverse=True)[limit - 1] if len(scores) >= limit else 0.0
    unsure = [
        doc_id
        for doc_id, words in known.items()
        if any(floor[t] for t in weights if t not in words)
        and scores[doc_id] + sum(weights[t] * floor[t] for t in weights if t not in words)
        >= kth * (1 - 1e-9)  # the tolerance absorbs rounding (same terms, another order)
    ]
    if unsure:
        for doc_id, term, impact in SearchPosting.objects.filter(
            document_id__in=unsure, term__in=[t for t in weights if floor[t]]
        ).values_list("document_id", "term", "impact"):
            if term not in known[doc_id]:
                known[doc_id][term] = impact
                scores[doc_id] += weights[term] * impact
    return sorted(scores.items(), key=lambda item: (-item[1], -item[0]))[:limit]


def search(
    user,
    query: str,
    *,
    kinds=None,
    limit: int = 10,
    public_articles_only: bool = False,
    object_ids: dict | None = None,
) -> list[Hit]:
    """The documents best matching ``query`` that ``user`` may see, best first.

    ``kinds`` limits by source ("article", "ticket") and/or document kind (an article kind
    such as "faq", a ticket kind); ``object_ids`` maps a source to the ids allowed (for list
    filters); ``public_articles_only`` leaves drafts out (suggestions)."""
    from yunwei.knowledge.models import SearchDocument

    weighted = weighted_query_terms(query or "")
    terms = [term for term, _weight in weighted]
    if not terms or limit <= 0:
        return []
    sources = {k for k in kinds or () if k in {i.source for i in _REGISTRY.values()}}
    doc_kinds = {k for k in kinds or () if k not in sources}
    scope = scope_q(user, sources or None)
    if scope is None:
        return []
    condition = scope
    if doc_kinds:
        condition &= Q(kind__in=doc_kinds)
    if public_articles_only:
        condition &= ~Q(source="article", is_public=False)
    if object_ids is not None:
        allowed = Q(pk__in=[])
        for source, ids in object_ids.items():
            allowed |= Q(source=source, object_id__in=list(ids))
        condition &= allowed
    weights = _term_weights(weighted)
    rows = _top_documents(weights, condition, limit) if weights else []
    docs = SearchDocument.objects.in_bulk([row[0] for row in rows])
    hits = []
    for doc_id, score in rows:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        hits.append(
            Hit(
                source=doc.source,
                object_id=doc.object_id,
                title=doc.title,
                snippet=snippet(doc.body, terms),
                url=doc.url,
                score=round(float(score), 4),
                kind=doc.kind,
                status=doc.status,
                title_html=highlight(doc.title, terms),
            )
        )
    return hits


def similar(user, text: str, limit: int = 5) -> list[Hit]:
    """Published articles and visible tickets like ``text`` (suggestions while typing)."""
    if len((text or "").strip()) < 2:
        return []
    return search(user, text, limit=limit, public_articles_only=True)
