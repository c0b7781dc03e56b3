"""Benchmarks of tickets, SLA clocks and search at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yunwei_bench \\
        .venv/bin/python bench/tickets.py --tickets 1000000 --open-clocks 100000 --articles 100000

Builds a throw-away database (it must be empty or disposable: the script migrates it and loads
the demo province), bulk-loads tickets spread over the demo organisations and systems and
published articles made from the demo articles, indexes them for search, starts SLA clocks on
open tickets, then measures (``--reuse`` measures again on a database built before):
- the filtered ticket list page and API as a county user and as the O&M owner (p50/p95),
- search over articles + tickets as the O&M owner and as a county user (p50/p95, 20 queries),
- recompute_open_clocks() after a calendar change (seconds).
Prints a Markdown table for docs/benchmarks.md. Without DATABASE_URL it uses a temporary SQLite.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

QUERIES = [
    "交不了社保",
    "银行扣款失败",
    "回盘报错",
    "表空间满了",
    "打印机卡纸",
    "征集单推送失败",
    "三方协议重复",
    "批扣失败",
    "缴费状态未更新",
    "WebLogic 线程阻塞",
    "OGG 延迟",
    "前置库数据未读取",
    "登录异常",
    "灵活就业 档次",
    "城乡居民 医保 缴费",
    "退费申请",
    "完税证明打印",
    "户籍挂起",
    "上解失败",
    "对账不平",
]
TITLES = [
    "申报页面提示系统错误",
    "缴费后状态未更新",
    "批扣失败银行返回码51",
    "征集单推送失败",
    "回盘文件报错重推",
    "完税证明无法打印",
    "三方协议签订失败",
    "自助终端打印机卡纸",
    "表空间使用率超过85%",
    "WebLogic 线程阻塞",
    "灵活就业人员缴费档次无法选择",
    "前置库数据未读取",
]


def setup(data_dir: str) -> None:
    os.environ.setdefault("YUNWEI_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yunwei.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("demo", once=True, verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def load_tickets(count: int) -> None:
    from django.utils import timezone

    from yunwei.cmdb.models import System
    from yunwei.core.models import Organisation
    from yunwei.tickets.choices import Channel, Priority, TicketKind, TicketStatus
    from yunwei.tickets.models import Ticket

    rng = random.Random(7)
    orgs = list(Organisation.objects.exclude(level="national"))
    systems = list(System.objects.all())
    statuses = [TicketStatus.CLOSED] * 7 + [
        TicketStatus.RESOLVED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.NEW,
    ]
    now = timezone.now()
    batch, made = [], 0
    while made < count:
        created = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        batch.append(
            Ticket(
                number=f"BENCH{made:09d}",
                title=rng.choice(TITLES),
                description="纳税人反映：" + rng.choice(TITLES),
                kind=rng.choice(TicketKind.values),
                channel=rng.choice(Channel.values),
                priority=rng.choice(Priority.values),
                status=rng.choice(statuses),
                organisation=rng.choice(orgs),
                system=rng.choice(systems),
                created_at=created,
                updated_at=created,
            )
        )
        made += 1
        if len(batch) == 10_000:
            Ticket.objects.bulk_create(batch)
            batch = []
            print(f"  tickets {made:,}/{count:,}", file=sys.stderr)
    if batch:
        Ticket.objects.bulk_create(batch)


def load_articles(count: int) -> None:
    """Published articles made from the demo ones: the demo body (words repeat as in a real
    knowledge base), a title naming a city and a case number."""
    from yunwei.knowledge.models import Article

    rng = random.Random(11)
    templates = list(Article.objects.filter(status="published"))
    cities = ["江川市", "临江市", "青山市", "白水市", "云岭市", "东湖市"]
    batch, made = [], 0
    while made < count:
        template = rng.choice(templates)
        batch.append(
            Article(
                code=f"BENCH{made:07d}",
                title=f"{template.title}（{rng.choice(cities)}案例 {made}）",
                body=template.body,
                kind=template.kind,
                category_id=template.category_id,
                tags=template.tags,
                status=template.status,
                author_id=template.author_id,
                reviewer_id=template.reviewer_id,
                organisation_id=template.organisation_id,
                published_at=template.published_at,
            )
        )
        made += 1
        if len(batch) == 5_000:
            Article.objects.bulk_create(batch)
            batch = []
            print(f"  articles {made:,}/{count:,}", file=sys.stderr)
    if batch:
        Article.objects.bulk_create(batch)


def start_clocks(count: int) -> None:
    from django.utils import timezone

    from yunwei.tickets.models import SlaClock, Ticket
    from yunwei.tickets.models.sla import ClockState, ClockType

    open_ids = list(
        Ticket.objects.filter(status__in=["new", "in_progress"]).values_list("pk", flat=True)[
            :count
        ]
    )
    now = timezone.now()
    rows = [
        SlaClock(
            ticket_id=pk,
            metric="resolution",
            clock_type=ClockType.WORKDAY_END if i % 2 else ClockType.OFFICE_HOURS,
            amount=2 if i % 2 else 13,
            started_at=now - timedelta(hours=i % 48),
            due_at=now + timedelta(days=2),
            state=ClockState.RUNNING,
        )
        for i, pk in enumerate(open_ids)
    ]
    SlaClock.objects.bulk_create(rows, batch_size=10_000)


def timed_requests(client, urls, rounds) -> list[float]:
    times = []
    for _ in range(rounds):
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return times


def build(args) -> str:
    from django.db import connection

    from yunwei.knowledge import search

    t0 = time.perf_counter()
    load_tickets(args.tickets)
    load_articles(args.articles)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()

    def progress(source, done, total):
        if done % 50_000 < 1_000 or done == total:
            print(f"  index {source} {done:,}/{total:,}", file=sys.stderr)

    search.reindex_all(progress=progress)
    index_s = time.perf_counter() - t0
    start_clocks(args.open_clocks)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return f"loaded in {load_s:.0f} s, indexed in {index_s:.0f} s"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=0)
    parser.add_argument("--open-clocks", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--reuse", action="store_true", help="measure on a database this script built before"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir)
        from django.db import connection
        from django.db.models import F
        from django.test import Client

        from yunwei.core.models import User
        from yunwei.knowledge import search
        from yunwei.knowledge.models import Article, SearchDocument, SearchPosting
        from yunwei.tickets import sla
        from yunwei.tickets.models import SlaClock, Ticket

        built = Ticket.objects.filter(number__startswith="BENCH").exists()
        if args.reuse and built:
            how = "reused"
        elif built:
            print("the database holds an earlier run: use --reuse or a new database")
            return 2
        else:
            how = build(args)
        tickets, articles = Ticket.objects.count(), Article.objects.count()
        documents, postings = SearchDocument.objects.count(), SearchPosting.objects.count()
        rows = []
        for username in ("dh_staff", "yw_owner"):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=username))
            pages = timed_requests(
                client,
                [
                    "/tickets/?status=in_progress",
                    "/tickets/?kind=bug&priority=p1",
                    "/tickets/?q=缴费",
                ],
                args.rounds,
            )
            api = timed_requests(
                client,
                ["/api/tickets/tickets/?status=in_progress", "/api/tickets/tickets/?kind=bug"],
                args.rounds,
            )
            rows.append((f"ticket list page ({username})", pages))
            rows.append((f"ticket list API ({username})", api))
        for username in ("yw_owner", "dh_staff"):
            user = User.objects.get(username=username)
            search_times = []
            for _ in range(args.rounds):
                for query in QUERIES:
                    start = time.perf_counter()
                    search.search(user, query, limit=10)
                    search_times.append((time.perf_counter() - start) * 1000)
            rows.append((f"search articles + tickets ({username})", search_times))
        # As if a calendar change had moved every open clock: all of them must be rewritten.
        running = SlaClock.objects.filter(stopped_at__isnull=True)
        open_clocks = running.update(due_at=F("due_at") + timedelta(days=1))
        t0 = time.perf_counter()
        changed = sla.recompute_open_clocks()
        recompute_s = time.perf_counter() - t0
        vendor = connection.vendor
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(
        f"machine: {machine}, {vendor}; {tickets:,} tickets, {articles:,} articles, "
        f"{documents:,} search documents, {postings:,} postings ({how}), "
        f"{open_clocks:,} open clocks"
    )
    print("| measurement | n | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|")
    for label, values in rows:
        p50, p95 = statistics.median(values), percentile(values, 95)
        print(f"| {label} | {len(values)} | {p50:.1f} | {p95:.1f} |")
    clocks = f"{open_clocks:,} clocks ({changed} changed)"
    print(f"| recompute_open_clocks() | {clocks} | {recompute_s * 1000:.0f} | — |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
