"""Demo tickets of the demo province: about fifty problems across its cities, counties and
systems, in every status, each told through the real actions so that timelines, audit entries,
notifications and SLA clocks are what the platform would have produced.

The stories happened over the last weeks: while the loader runs, the tickets app's clock (the
``timezone`` the actions, the SLA engine and the numbering read) is set to each step's moment.
The audit log keeps the real time of loading. Idempotent: each story has an idempotency key
and is skipped when its ticket exists; a story is written in one transaction.

Everything here is invented (names, phone numbers 138-0000-xxxx, taxpayer IDs).
"""

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone as django_timezone

from yunwei.cmdb.models import System
from yunwei.core.models import Organisation, User, Vendor
from yunwei.tickets import actions
from yunwei.tickets.choices import Channel, Priority, TicketKind, Tier
from yunwei.tickets.models import Team, Ticket, TicketEvent

K, C, P = TicketKind, Channel, Priority
CHECKLIST_OK = {
    "description": True,
    "scope": True,
    "evidence": True,
    "reproduced": True,
    "knowledge": True,
    "tried": True,
}

# name, tier, vendor code, members, leader
TEAMS = [
    ("省局一线服务台", Tier.TIER1, "V-ZHIXIN", ["zx_tier1"], "zx_pm"),
    ("智信二线支持组", Tier.TIER2, "V-ZHIXIN", ["zx_tier2"], "zx_pm"),
    ("华科开发组", Tier.DEVELOPER, "V-HUAKE", ["hk_dev"], "hk_dev"),
]

DH, DH1, XL, QH = "19901020000", "19901020100", "19901030000", "19901040000"
LZ, BS, WH = "19902020000", "19902030000", "19902040000"
YT, SM, BY, NX, QL = "19903020000", "19903030000", "19904020000", "19905020000", "19906020000"
SBF, NSFW = "19900000102", "19900000104"


@dataclass
class Story:
    key: str
    org: str
    system: str | None
    kind: str
    channel: str
    priority: str
    title: str
    description: str
    reporter: str | tuple[str, str]  # a demo username, or (caller name, phone)
    hours_ago: float  # when the problem came in
    steps: list = field(default_factory=list)  # (action, actor, *args); 'R' = the reporter
    gap: float = 1.5  # hours between steps


def _stories() -> list[Story]:
    today = django_timezone.localdate()
    in_days = lambda n: today + timedelta(days=n)  # noqa: E731
    stories = [
        Story(
            "phone-new",
            LZ,
            "SBF-GL",
            K.CONSULTATION,
            C.PHONE,
            P.P3,
            "灵活就业人员缴费档次无法选择",
            "临泽区办税服务厅来电：灵活就业人员申报医疗保险时缴费档次下拉为空。",
            ("周海燕", "13800001201"),
            0.5,
        ),
        Story(
            "platform-new",
            DH1,
            "SBF-ZS",
            K.BUG,
            C.PLATFORM,
            P.P2,
            "开具社保费缴费证明提示“系统错误”",
            "纳税人识别号 91330100MA2D000001，开具2026年10月缴费证明时报错，截图见附件。",
            "dh_staff",
            2,
        ),
        Story(
            "wechat-accepted",
            BS,
            "SBF-SYJF",
            K.FAULT,
            C.WECHAT,
            P.P2,
            "白沙县多笔银行实时缴费显示“处理中”",
            "微信群反映：今天上午10点后农商行实时缴费多笔长时间显示处理中。",
            "bs_staff",
            5,
            [("accept", "zx_tier1"), ("reply", "zx_tier1", "已联系银行端核查报文，请稍候。")],
        ),
        Story(
            "waiting-info",
            QH,
            "SBF-GL",
            K.DATA_FIX,
            C.PLATFORM,
            P.P3,
            "征集单重复推送导致应缴金额翻倍",
            "清河县城乡居民医保征集单，同一流水号出现两次。",
            ("陈静", "13800001202"),
            30,
            [
                ("accept", "zx_tier1"),
                ("request_info", "zx_tier1", "请提供流水号、批次号和缴费人身份证号后四位。"),
            ],
        ),
        Story(
            "escalated",
            YT,
            "SBF-ZS",
            K.BUG,
            C.PHONE,
            P.P2,
            "单位社保费申报后无法作废",
            "云台区某单位2026年10月申报错误，作废时提示“存在已开票记录”，实际未开票。",
            ("刘伟", "13800001203"),
            26,
            [
                ("accept", "zx_tier1"),
                ("note", "zx_tier1", "已复现，测试环境同样报错；知识库无相关条目。"),
                ("escalate", "zx_tier1", "一线已复现，疑似作废校验取数错误，请二线分析。"),
            ],
        ),
        Story(
            "returned",
            SM,
            "SBF-TSRJ",
            K.BUG,
            C.QQ,
            P.P3,
            "特色软件导出清册乱码",
            "石门县导出欠费清册，Excel 打开后中文乱码。",
            ("高强", "13800001204"),
            50,
            [
                ("accept", "zx_tier1"),
                ("escalate", "zx_tier1", "请二线看一下导出编码。"),
                (
                    "return",
                    "zx_tier2",
                    ["evidence", "reproduced"],
                    "请附导出文件并说明浏览器版本。",
                ),
            ],
        ),
        Story(
            "forwarded-dev",
            NX,
            "SBF-ZS",
            K.BUG,
            C.PLATFORM,
            P.P2,
            "跨月补缴滞纳金计算少一天",
            "南溪区反映：2026年9月欠费在10月补缴时滞纳金天数比手工计算少一天。",
            "sbf_staff",
            120,
            [
                ("accept", "zx_tier1"),
                ("escalate", "zx_tier1", "已核对三笔，均少一天。"),
                ("accept_tier2", "zx_tier2"),
                (
                    "forward",
                    "zx_tier2",
                    Tier.DEVELOPER,
                    "华科开发组",
                    in_days(6),
                    "滞纳金起算日取值问题，需程序修改。临时方案：手工调整。",
                ),
            ],
            gap=6,
        ),
        Story(
            "forwarded-sta-late",
            BY,
            "SBF-XXGX",
            K.BUG,
            C.PLATFORM,
            P.P2,
            "人社回盘文件缺少险种字段",
            "北原区回盘文件自10月起缺少险种代码，人社端无法入库。",
            ("赵敏", "13800001205"),
            300,
            [
                ("accept", "zx_tier1"),
                ("escalate", "zx_tier1", "核对接口规范，总局标准版本变更导致。"),
                (
                    "forward",
                    "zx_tier2",
                    Tier.STA,
                    "税务总局社保费项目组",
                    in_days(-2),
                    "已按总局问题反馈渠道提交。",
                ),
            ],
            gap=8,
        ),
        Story(
            "resolved-waiting-confirm",
            DH,
            "SBF-GL",
            K.CONSULTATION,
            C.PLATFORM,
            P.P3,
            "如何批量导入城乡居民参保登记",
            "东湖区有一批新参保人员，想了解批量导入的模板和步骤。",
            "dh_staff",
            8,
            [
                ("accept", "zx_tier1"),
                (
                    "resolve",
                    "zx_tier1",
                    "在“户籍管理-批量导入”下载模板，按模板填写后导入；身份证号需为文本格式。",
                    "operation_error",
                    "",
                ),
            ],
            gap=1,
        ),
        Story(
            "closed-satisfied",
            BS,
            "SBF-WX",
            K.CONSULTATION,
            C.PLATFORM,
            P.P4,
            "微信缴费后电子票据在哪里下载",
            "缴费人询问微信缴费成功后如何获取电子票据。",
            "bs_staff",
            200,
            [
                ("accept", "zx_tier1"),
                (
                    "resolve",
                    "zx_tier1",
                    "在公众号“我的缴费-缴费记录”中点击对应记录即可下载电子票据。",
                    "operation_error",
                    "",
                ),
                ("confirm", "R"),
                ("satisfaction", "R", 5, "回复及时，讲解清楚。"),
            ],
        ),
        Story(
            "closed-bugfix",
            XL,
            "SBF-ZS",
            K.BUG,
            C.PLATFORM,
            P.P2,
            "退费审核通过后状态未更新",
            "西岭区退费审核通过后，退费申请仍显示“审核中”。",
            ("孙丽", "13800001206"),
            500,
            [
                ("accept", "zx_tier1"),
                ("escalate", "zx_tier1", "已复现。"),
                ("forward", "zx_tier2", Tier.DEVELOPER, "华科开发组", in_days(-12), "程序问题"),
                (
                    "resolve",
                    "hk_dev",
                    "修正退费审核回写逻辑，补丁已发布。",
                    "program_defect",
                    "1.03.10.02",
                ),
                ("close", "zx_tier1", "补丁上线后验证通过。"),
                ("satisfaction", "zx_tier1", 4, "电话回访：问题已解决。"),
            ],
            gap=20,
        ),
        Story(
            "complaint",
            WH,
            "SBF-SYJF",
            K.FAULT,
            C.HOTLINE,
            P.P1,
            "批量扣款重复扣费",
            "望海县多名缴费人反映同一月份被扣款两次。",
            ("吴刚", "13800001207"),
            60,
            [
                ("accept", "zx_tier1"),
                ("escalate", "zx_tier1", "涉及资金，紧急。"),
                ("reply", "zx_tier2", "已暂停该批次，正在与银行核对扣款文件。"),
                ("complaint", "zx_tier1", "缴费人来电投诉处理太慢，要求今天给出退费时间。"),
                ("answer", "yw_owner", "已督促厂商今日内完成核对，重复扣款将在3个工作日内退回。"),
            ],
            gap=3,
        ),
        Story(
            "reopened",
            QL,
            "SBF-GL",
            K.DATA_FIX,
            C.PLATFORM,
            P.P3,
            "缴费人身份证号录入错误需修改",
            "青岭区一名城乡居民身份证号录错一位，已缴费，需要更正。",
            ("郑芳", "13800001208"),
            90,
            [
                ("accept", "zx_tier1"),
                ("resolve", "zx_tier1", "已按数据修改流程更正。", "data_error", ""),
                ("reopen", "zx_tier1", "基层反馈缴费记录中的证件号仍为旧值。"),
                ("note", "zx_tier1", "缴费记录表未同步，需补充修改。"),
            ],
            gap=4,
        ),
        Story(
            "service-request",
            NSFW,
            "NF-ZNHD",
            K.SERVICE_REQUEST,
            C.WECOM,
            P.P4,
            "新增智能咨询知识条目：社保费缴费基数调整",
            "纳税服务处请求在智能互动平台新增2027年缴费基数调整的问答。",
            ("钱宁", "13800001209"),
            20,
            [("accept", "zx_tier1"), ("assign", "zx_tier1", "zx_tier2")],
        ),
        Story(
            "alert",
            SBF,
            "SBF-XXGX",
            K.FAULT,
            C.ALERT,
            P.P1,
            "OGG 复制延迟超过 30 分钟",
            "监控告警：信息共享平台 OGG 复制链路延迟 35 分钟。",
            ("监控平台", ""),
            3,
            [("accept", "zx_tier1"), ("note", "zx_tier1", "正在检查抽取进程。")],
        ),
    ]
    # Frequent problems from many offices: the material of the FAQ manual and the duplicates.
    common = [
        (
            "社保费申报页面提示“会话超时”",
            "清除浏览器缓存并使用推荐浏览器重新登录。",
            "environment",
            "SBF-ZS",
        ),
        (
            "缴费证明打印空白",
            "打印设置中勾选“背景图形”，或改用PDF下载后打印。",
            "operation_error",
            "SBF-ZS",
        ),
        (
            "三方协议验证失败",
            "核对银行账号与户名一致；户名含括号时使用中文括号。",
            "data_error",
            "SBF-SYJF",
        ),
        (
            "城乡居民缴费信息查询不到",
            "征集单尚未下发，次日凌晨同步后可查询。",
            "external",
            "SBF-GL",
        ),
    ]
    offices = [DH, DH1, XL, QH, LZ, BS, WH, YT, SM, BY, NX, QL]
    number = 0
    for index, (title, solution, cause, system) in enumerate(common):
        for repeat in range(7):
            number += 1
            org = offices[(index * 3 + repeat) % len(offices)]
            reporter = "dh_staff" if org in (DH, DH1) else "bs_staff" if org == BS else None
            caller = reporter or (f"基层税务人员{number:02d}", f"138000013{number:02d}")
            hours = 24 * (2 + (index * 7 + repeat) * 0.9)
            if repeat < 4:
                steps = [
                    ("accept", "zx_tier1"),
                    ("resolve", "zx_tier1", solution, cause, ""),
                    ("confirm", "zx_tier1"),
                ]
                if repeat % 2 == 0:
                    steps.append(("satisfaction", "zx_tier1", 4 + repeat % 2, "回访满意"))
            elif repeat == 4:
                steps = [("accept", "zx_tier1"), ("resolve", "zx_tier1", solution, cause, "")]
                hours = 10 + index
            elif repeat == 5:
                steps = [("accept", "zx_tier1")]
            else:
                steps = []
                hours = 1 + index * 0.3
            stories.append(
                Story(
                    f"common-{index}-{repeat}",
                    org,
                    system,
                    K.CONSULTATION if cause != "data_error" else K.BUSINESS,
                    C.PLATFORM if reporter else C.PHONE,
                    P.P3,
                    title,
                    f"{title}。来自基层的第{repeat + 1}次反馈。",
                    caller,
                    hours,
                    steps,
                    gap=1,
                )
            )
    # Duplicates of open masters: they follow the master.
    stories += [
        Story(
            "dup-of-forwarded",
            QH,
            "SBF-ZS",
            K.BUG,
            C.PHONE,
            P.P3,
            "补缴滞纳金天数不对",
            "清河县反映补缴时滞纳金少算一天。",
            ("何冰", "13800001210"),
            40,
            [("accept", "zx_tier1"), ("duplicate", "zx_tier2", "forwarded-dev")],
        ),
        Story(
            "dup-of-escalated",
            SM,
            "SBF-ZS",
            K.BUG,
            C.QQ,
            P.P3,
            "申报作废失败",
            "石门县反映单位申报无法作废。",
            ("马骏", "13800001211"),
            12,
            [("duplicate", "zx_tier2", "escalated")],
        ),
    ]
    return stories


class _Clock:
    """The tickets app's clock during the demo (see the module docstring)."""

    def __init__(self):
        self.moment = django_timezone.now()

    def __getattr__(self, name):
        return getattr(django_timezone, name)

    def now(self):
        return self.moment

    def localdate(self, value=None, timezone=None):
        return django_timezone.localdate(value or self.moment, timezone)


@contextlib.contextmanager
def _demo_time(clock: _Clock):
    import yunwei.tickets.models.ticket as ticket_models
    from yunwei.tickets import sla

    modules = [actions, ticket_models, sla]
    saved = [(module, module.timezone) for module in modules if hasattr(module, "timezone")]
    event_created = TicketEvent._meta.get_field("created_at")
    saved_default = event_created.default
    try:
        for module, _tz in saved:
            module.timezone = clock
        event_created.default = clock.now
        event_created.__dict__.pop("_get_default", None)  # a cached_property of Field
        yield clock
    finally:
        for module, original in saved:
            module.timezone = original
        event_created.default = saved_default
        event_created.__dict__.pop("_get_default", None)


def _teams(users, actor) -> dict:
    from yunwei.core.actions import do_save_object

    teams = {}
    for name, tier, vendor_code, members, leader in TEAMS:
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = do_save_object(
                Team(
                    name=name,
                    tier=tier,
                    vendor=Vendor.objects.filter(code=vendor_code).first(),
                    leader=users.get(leader),
                ),
                actor=actor,
                m2m={"members": [users[m] for m in members if m in users]},
            )
        teams[name] = team
    return teams


def _run(story: Story, ticket: Ticket, step, users, teams, tickets) -> None:
    name, who, *args = step
    actor = ticket.reporter if who == "R" else users[who]
    if name in ("accept", "accept_tier2"):
        if name == "accept_tier2":
            actions.do_assign(ticket, actor=actor, assignee=actor)
        else:
            actions.do_accept(ticket, actor=actor)
    elif name == "reply":
        actions.do_reply(ticket, actor=actor, body=args[0])
    elif name == "note":
        actions.do_reply(ticket, actor=actor, body=args[0], public=False)
    elif name == "assign":
        actions.do_assign(ticket, actor=actor, assignee=users[args[0]])
    elif name == "request_info":
        actions.do_request_info(ticket, actor=actor, question=args[0])
    elif name == "escalate":
        actions.do_escalate(
            ticket,
            actor=actor,
            checklist=CHECKLIST_OK,
            note=args[0],
            team=teams["智信二线支持组"],
        )
    elif name == "return":
        actions.do_return_incomplete(ticket, actor=actor, missing=args[0], note=args[1])
    elif name == "forward":
        to, target, promised, note = args
        actions.do_forward(
            ticket, actor=actor, to=to, target=target, promised_date=promised, note=note
        )
    elif name == "resolve":
        solution, cause, version = args
        actions.do_resolve(
            ticket,
            actor=actor,
            solution=solution,
            cause_category=cause,
            fixed_in_version=version,
            fix_release_date=django_timezone.localdate(_CURRENT.moment) if version else None,
        )
    elif name == "confirm":
        actions.do_confirm(ticket, actor=actor)
    elif name == "close":
        actions.do_close(ticket, actor=actor, reason=args[0])
    elif name == "satisfaction":
        actions.do_record_satisfaction(ticket, actor=actor, score=args[0], comment=args[1])
    elif name == "complaint":
        actions.do_flag_complaint(ticket, actor=actor, note=args[0])
    elif name == "answer":
        actions.do_answer_complaint(ticket, actor=actor, answer=args[0])
    elif name == "reopen":
        actions.do_reopen(ticket, actor=actor, reason=args[0])
    elif name == "duplicate":
        actions.do_mark_duplicate(ticket, actor=actor, master=tickets[args[0]])
    else:  # pragma: no cover - a typo in a story
        raise ValueError(name)


_CURRENT = _Clock()


def load_demo_tickets(*, actor) -> int:
    """Create the demo tickets that do not exist yet; returns how many were created."""
    from yunwei.tickets import sla

    sla.ensure_default_policies(actor=actor)
    users = {user.username: user for user in User.objects.filter(is_active=True)}
    teams = _teams(users, actor)
    organisations = {org.code: org for org in Organisation.objects.all()}
    systems = {system.code: system for system in System.objects.all()}
    now = django_timezone.now()
    created = 0
    tickets = {}
    with _demo_time(_CURRENT) as clock:
        for story in _stories():
            key = f"demo-{story.key}"
            existing = Ticket.objects.filter(idempotency_key=key).first()
            if existing is not None:
                tickets[story.key] = existing
                continue
            organisation = organisations.get(story.org)
            if organisation is None:
                continue  # the demo province is not loaded
            start = _office_time(now - timedelta(hours=story.hours_ago))
            gap = min(story.gap, story.hours_ago / (len(story.steps) + 1))
            if isinstance(story.reporter, tuple):
                reporter, (name, phone) = None, story.reporter
            else:
                reporter, name, phone = users.get(story.reporter), "", ""
            with transaction.atomic():
                clock.moment = start
                creator = (
                    reporter
                    if story.channel == C.PLATFORM and reporter
                    else users.get("zx_tier1", actor)
                )
                ticket = actions.do_create_ticket(
                    actor=creator,
                    title=story.title,
                    description=story.description,
                    kind=story.kind,
                    channel=story.channel,
                    organisation=organisation,
                    system=systems.get(story.system) if story.system else None,
                    priority=story.priority,
                    reporter=reporter,
                    reporter_name=name,
                    reporter_phone=phone,
                    idempotency_key=key,
                )
                for number, step in enumerate(story.steps, start=1):
                    clock.moment = min(now, start + timedelta(hours=gap * number))
                    _run(story, ticket, step, users, teams, tickets)
                    ticket.refresh_from_db()
            tickets[story.key] = ticket
            created += 1
    return created


def _office_time(moment: datetime) -> datetime:
    """Move a start time out of the night, so that stories begin when people call."""
    local = django_timezone.localtime(moment)
    if 8 <= local.hour < 18:
        return moment
    return moment - timedelta(hours=(local.hour - 17) % 24 if local.hour >= 18 else local.hour + 7)
