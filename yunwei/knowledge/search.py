"""Chinese full-text search over knowledge articles and tickets.

Text is segmented with jieba in search mode (``cut_for_search``: long words and the shorter
words inside them) with a user dictionary of tax and O&M terms (``dict.txt``). Each object
becomes one ``SearchDocument`` row holding the space-joined tokens; the database's own
full-text engine indexes those tokens:

- SQLite: an FTS5 table ``knowledge_fts`` (rowid = document id), ranked with ``bm25``;
- PostgreSQL: a generated ``tsvector`` column ``search_vector`` ('simple' configuration, title
  weight A, body weight B) with a GIN index, ranked with ``ts_rank_cd`` times the terms' IDF.

Both are created by ``ensure_fts()`` (after ``migrate`` and lazily on first use), not by
migrations. A query is segmented the same way; its words are OR-ed (AND loses too much recall
in Chinese) and ranking sorts it out. Results are limited in SQL to what the user may see,
using the scope fields stored on each document.

Other apps make their models searchable with ``register_indexer(model_label, fn)``; ``fn(obj)``
returns the fields of the document, or None to keep the object out of the index.
"""

import html
import logging
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

DICT_PATH = Path(__file__).with_name("dict.txt")
FTS_TABLE = "knowledge_fts"
DOC_TABLE = "knowledge_searchdocument"
PG_COLUMN = "search_vector"
TITLE_WEIGHT = 10.0  # bm25 column weight of the title (+ keywords) against 1.0 for the body
MAX_QUERY_TERMS = 24

# Words that say nothing about the problem (how users phrase questions).
STOPWORDS = frozenset(
    """
    的 了 吗 呢 啊 吧 呀 哦 嘛 么 着 过 和 与 及 或 跟 把 被 让
    给 对 在 是 有 没 没有 就 都 也 还 又 要 会 能 可以 可能 应该
    需要 怎么 怎么办 怎么回事 怎样 如何 什么 为什么 为啥 啥 咋 咋办
    咋回事 请问 请 一下 一直 这个 那个 这 那 哪 哪里 哪个 个 些 我
    我们 你 你们 他 她 它 他们 您 今天 现在 然后 但是 因为 所以 如果
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
    if not text:
        return []
    words = []
    for token in tokenizer().cut_for_search(text):
        token = token.strip().lower()
        if token and _WORD.search(token):
            words.append(token)
    return words


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


# --- Engine: ensure, write ---------------------------------------------------------------------


def _vendor() -> str:
    return connection.vendor


def ensure_fts(using_connection=None) -> bool:
    """Create the engine's index if missing (idempotent, cheap when present).

    Returns True when a full-text engine is available on this database."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if DOC_TABLE not in conn.introspection.table_names(cursor):
            return False
        if conn.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
            )
            if cursor.fetchone() is None:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                    "title_tokens, tokens, tokenize = 'unicode61 remove_diacritics 2')"
                )
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, title_tokens, tokens) "
                    f"SELECT id, title_tokens, tokens FROM {DOC_TABLE}"
                )
            return True
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s "
                "AND NOT attisdropped",
                [DOC_TABLE, PG_COLUMN],
            )
            if cursor.fetchone() is None:
                cursor.execute(
                    f"ALTER TABLE {DOC_TABLE} ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector "
                    "GENERATED ALWAYS AS ("
                    "setweight(to_tsvector('simple'::regconfig, coalesce(title_tokens, '')), 'A')"
                    " || setweight(to_tsvector('simple'::regconfig, coalesce(tokens, '')), 'B')"
                    ") STORED"
                )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS knowledge_searchdocument_fts "
                f"ON {DOC_TABLE} USING gin ({PG_COLUMN})"
            )
            return True
    return False


def _fts_write(doc_ids_rows: list[tuple[int, str, str]]) -> None:
    if _vendor() != "sqlite" or not doc_ids_rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(row[0],) for row in doc_ids_rows]
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title_tokens, tokens) VALUES (%s, %s, %s)",
            doc_ids_rows,
        )


def _fts_delete(doc_ids: list[int]) -> None:
    if _vendor() != "sqlite" or not doc_ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in doc_ids])


def _document_values(indexer: Indexer, obj) -> dict | None:
    fields = indexer.fn(obj)
    if fields is None:
        return None
    title = str(fields.get("title") or "")[:300]
    body = str(fields.get("body") or "")
    keywords = str(fields.get("keywords") or "")
    return {
        "kind": str(fields.get("kind") or "")[:30],
        "title": title,
        "body": body,
        "title_tokens": " ".join(segment(f"{title} {keywords}")),
        "tokens": " ".join(segment(body)),
        "status": str(fields.get("status") or "")[:20],
        "is_public": bool(fields.get("is_public", False)),
        "organisation_path": str(fields.get("organisation_path") or "")[:255],
        "system_id": fields.get("system_id"),
        "vendor_ids": _id_list(fields.get("vendor_ids"))[:255],
        "user_ids": _id_list(fields.get("user_ids"))[:255],
        "url": str(fields.get("url") or "")[:300],
        "updated_at": fields.get("updated_at") or timezone.now(),
    }


def index_object(obj):
    """Add or refresh ``obj``'s document (call inside the action's transaction)."""
    from yunwei.knowledge.models import SearchDocument

    indexer = _REGISTRY.get(obj._meta.label_lower)
    if indexer is None:
        return None
    values = _document_values(indexer, obj)
    if values is None:
        remove_object(obj)
        return None
    ensure_fts()
    with transaction.atomic():
        doc, _created = SearchDocument.objects.update_or_create(
            source=indexer.source, object_id=obj.pk, defaults=values
        )
        _fts_write([(doc.pk, doc.title_tokens, doc.tokens)])
    return doc


def remove_object(obj=None, *, source: str | None = None, object_id=None) -> int:
    """Drop the document of ``obj`` (or of ``source``/``object_id``)."""
    from yunwei.knowledge.models import SearchDocument

    if obj is not None:
        indexer = _REGISTRY.get(obj._meta.label_lower)
        if indexer is None:
            return 0
        source, object_id = indexer.source, obj.pk
    ensure_fts()
    with transaction.atomic():
        ids = list(
            SearchDocument.objects.filter(source=source, object_id=object_id).values_list(
                "pk", flat=True
            )
        )
        _fts_delete(ids)
        SearchDocument.objects.filter(pk__in=ids).delete()
    return len(ids)


def reindex_all(progress: Callable | None = None, batch_size: int = 500) -> dict[str, int]:
    """Rebuild the whole index; ``progress(source, done, total)`` is called per batch."""
    from yunwei.knowledge.models import SearchDocument

    counts: dict[str, int] = {}
    with transaction.atomic():
        ensure_fts()
        if _vendor() == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")
        SearchDocument.objects.all().delete()
        for indexer in _REGISTRY.values():
            if indexer.queryset is not None:
                queryset = indexer.queryset()
            else:
                from django.apps import apps

                queryset = apps.get_model(indexer.model_label)._default_manager.all()
            total = queryset.count()
            done = 0
            batch = []
            for obj in queryset.iterator(chunk_size=batch_size):
                values = _document_values(indexer, obj)
                done += 1
                if values is not None:
                    batch.append(SearchDocument(source=indexer.source, object_id=obj.pk, **values))
                if len(batch) >= batch_size:
                    SearchDocument.objects.bulk_create(batch)
                    counts[indexer.source] = counts.get(indexer.source, 0) + len(batch)
                    batch = []
                    if progress:
                        progress(indexer.source, done, total)
            if batch:
                SearchDocument.objects.bulk_create(batch)
                counts[indexer.source] = counts.get(indexer.source, 0) + len(batch)
            counts.setdefault(indexer.source, 0)
            if progress:
                progress(indexer.source, done, total)
        if _vendor() == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, title_tokens, tokens) "
                    f"SELECT id, title_tokens, tokens FROM {DOC_TABLE}"
                )
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


def _subquery(queryset):
    sql, params = queryset.values("pk").query.sql_with_params()
    return sql, list(params)


def _rank_sqlite(weighted, scoped, limit):
    """bm25 (title weighted ``TITLE_WEIGHT``) of the full-weight words, plus that of the
    added words times their weight."""
    sub_sql, sub_params = _subquery(scoped)
    sql = (
        f"SELECT {FTS_TABLE}.rowid, -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS score "
        f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid IN ({sub_sql}) "
        f"ORDER BY bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) LIMIT %s"
    )
    groups: dict[float, list[str]] = {}
    for term, weight in weighted:
        groups.setdefault(weight, []).append(term)
    scores: dict[int, float] = {}
    with connection.cursor() as cursor:
        for weight, terms in groups.items():
            match = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
            cursor.execute(sql, [match, *sub_params, limit * 3])
            for rowid, score in cursor.fetchall():
                scores[rowid] = scores.get(rowid, 0.0) + weight * score
    return sorted(scores.items(), key=lambda item: -item[1])[:limit]


def _rank_postgresql(weighted_terms, scoped, limit):
    """ts_rank_cd per term, times the term's inverse document frequency, summed.

    ts_rank_cd alone has no notion of how rare a word is: with OR-ed words a common one
    (失败, 系统) would count as much as a rare one (回盘), so each term is weighted by its IDF,
    counted over the GIN index (one cheap bitmap count per term)."""
    sub_sql, sub_params = _subquery(scoped)
    terms = [term for term, _weight in weighted_terms]
    with connection.cursor() as cursor:
        counts_sql = ", ".join(
            f"(SELECT count(*) FROM {DOC_TABLE} WHERE {PG_COLUMN} @@ plainto_tsquery('simple', %s))"
            for _ in terms
        )
        cursor.execute(f"SELECT (SELECT count(*) FROM {DOC_TABLE}), {counts_sql}", terms)
        row = cursor.fetchone()
        total, frequencies = row[0], row[1:]
        weighted = [
            (term, weight * math.log(1 + (total - df + 0.5) / (df + 0.5)))
            for (term, weight), df in zip(weighted_terms, frequencies, strict=True)
            if df
        ]
        if not weighted:
            return []
        rank = " + ".join(
            f"ts_rank_cd(d.{PG_COLUMN}, plainto_tsquery('simple', %s), 1) * %s" for _ in weighted
        )
        any_term = " || ".join("plainto_tsquery('simple', %s)" for _ in weighted)
        params = []
        for term, idf in weighted:
            params.extend([term, idf])
        sql = (
            f"SELECT d.id, ({rank}) AS score FROM {DOC_TABLE} d "
            f"WHERE d.{PG_COLUMN} @@ ({any_term}) AND d.id IN ({sub_sql}) "
            "ORDER BY score DESC, d.updated_at DESC LIMIT %s"
        )
        cursor.execute(sql, [*params, *[t for t, _ in weighted], *sub_params, limit])
        return cursor.fetchall()


def _rank_fallback(weighted, scoped, limit):
    """Databases without a supported engine: substring matches, counted."""
    terms = [term for term, _weight in weighted]
    condition = Q()
    for term in terms:
        condition |= Q(title__icontains=term) | Q(body__icontains=term)
    rows = []
    for doc in scoped.filter(condition)[: limit * 5]:
        text = f"{doc.title} {doc.body}".lower()
        title = doc.title.lower()
        score = sum(text.count(t) + TITLE_WEIGHT * title.count(t) for t in terms)
        rows.append((doc.pk, float(score)))
    rows.sort(key=lambda r: -r[1])
    return rows[:limit]


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
    scoped = SearchDocument.objects.filter(scope)
    if doc_kinds:
        scoped = scoped.filter(kind__in=doc_kinds)
    if public_articles_only:
        scoped = scoped.exclude(source="article", is_public=False)
    if object_ids is not None:
        allowed = Q(pk__in=[])
        for source, ids in object_ids.items():
            allowed |= Q(source=source, object_id__in=list(ids))
        scoped = scoped.filter(allowed)
    engine = ensure_fts()
    vendor = _vendor()
    if engine and vendor == "sqlite":
        rows = _rank_sqlite(weighted, scoped, limit)
    elif engine and vendor == "postgresql":
        rows = _rank_postgresql(weighted, scoped, limit)
    else:
        rows = _rank_fallback(weighted, scoped, limit)
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
