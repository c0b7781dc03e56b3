"""The demo province: a fictional provincial bureau with its cities, counties and sub-offices,
the vendors that serve it, and one demo user for every role. Idempotent.

All names, codes and phone numbers here are invented.
"""

from django.db import transaction

from yunwei.core import actions
from yunwei.core.choices import OrganisationLevel, RoleCode
from yunwei.core.models import Organisation, Role, User, Vendor

DEMO_PASSWORD = "Yunwei@2026"

CITIES = [
    # code suffix, city, [(county, [sub-offices])]
    (
        "01",
        "江川市",
        [
            ("东湖区", ["东湖第一税务所", "东湖第二税务所"]),
            ("西岭区", ["西岭税务所"]),
            ("清河县", ["清河城关税务所", "清河新港税务所"]),
        ],
    ),
    (
        "02",
        "临泽市",
        [("临泽区", ["临泽中心税务所"]), ("白沙县", ["白沙税务所"]), ("望海县", ["望海税务所"])],
    ),
    ("03", "云台市", [("云台区", ["云台第一税务所"]), ("石门县", ["石门税务所"])]),
    ("04", "北原市", [("北原区", ["北原城区税务所"]), ("丰谷县", ["丰谷税务所"])]),
    ("05", "南溪市", [("南溪区", ["南溪城区税务所"]), ("桃源县", ["桃源税务所"])]),
    ("06", "青岭市", [("青岭区", ["青岭城区税务所"]), ("松阳县", ["松阳税务所"])]),
]

PROVINCE_SECTIONS = [
    ("19900000101", "信息中心", "运维管理科所在部门"),
    ("19900000102", "社会保险费处", ""),
    ("19900000103", "征管和科技发展处", ""),
    ("19900000104", "纳税服务处", ""),
]

VENDORS = [
    ("V-ZHIXIN", "江川智信运维服务有限公司", "智信运维", "周明远", "13800000101"),
    ("V-HUAKE", "华科软件开发有限公司", "华科软件", "林子航", "13800000102"),
    ("V-JINQIAO", "金桥数据技术有限公司", "金桥数据", "许文博", "13800000103"),
    ("V-ZHONGDUAN", "众端自助设备有限公司", "众端设备", "贺晓东", "13800000104"),
]

# username, full name, role, organisation code, vendor code
USERS = [
    ("admin", "系统管理员", RoleCode.ADMIN, "19900000101", None),
    ("yw_owner", "陈立群", RoleCode.OM_OWNER, "19900000101", None),
    ("zx_pm", "周明远", RoleCode.VENDOR_PM, "19900000101", "V-ZHIXIN"),
    ("zx_tier1", "王晓梅", RoleCode.TIER1, "19900000101", "V-ZHIXIN"),
    ("zx_tier2", "李振华", RoleCode.TIER2, "19900000101", "V-ZHIXIN"),
    ("hk_dev", "林子航", RoleCode.DEVELOPER, "19900000101", "V-HUAKE"),
    ("sbf_staff", "赵雅琴", RoleCode.BUSINESS_STAFF, "19900000102", None),
    ("dh_staff", "孙建国", RoleCode.GRASSROOTS_STAFF, "19901020000", None),
    ("bs_staff", "钱丽娟", RoleCode.GRASSROOTS_STAFF, "19902030000", None),
    ("auditor", "吴审言", RoleCode.AUDITOR, "19900000000", None),
]


def _org(code, name, level, parent, short_name="", actor=None):
    existing = Organisation.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return actions.do_create_organisation(
        actor=actor, code=code, name=name, short_name=short_name, level=level, parent=parent
    )


@transaction.atomic
def load_demo_core() -> dict:
    national = _org("00000000000", "国家税务总局", OrganisationLevel.NATIONAL, None, "总局")
    province = _org(
        "19900000000", "国家税务总局江川省税务局", OrganisationLevel.PROVINCE, national, "江川省局"
    )
    for code, name, _note in PROVINCE_SECTIONS:
        _org(code, name, OrganisationLevel.DEPARTMENT, province)
    for city_no, city, counties in CITIES:
        city_org = _org(
            f"199{city_no}000000",
            f"国家税务总局{city}税务局",
            OrganisationLevel.CITY,
            province,
            city,
        )
        for county_no, (county, offices) in enumerate(counties, start=1):
            county_org = _org(
                f"199{city_no}{county_no + 1:02d}0000",
                f"国家税务总局{city}{county}税务局",
                OrganisationLevel.COUNTY,
                city_org,
                county,
            )
            for office_no, office in enumerate(offices, start=1):
                _org(
                    f"199{city_no}{county_no + 1:02d}{office_no:02d}00",
                    office,
                    OrganisationLevel.SUBOFFICE,
                    county_org,
                )
    vendors = {}
    for code, name, short, contact, phone in VENDORS:
        vendor = Vendor.objects.filter(code=code).first()
        if vendor is None:
            vendor = actions.do_save_object(
                Vendor(
                    code=code,
                    name=name,
                    short_name=short,
                    contact_name=contact,
                    contact_phone=phone,
                ),
                actor=None,
            )
        vendors[code] = vendor
    roles = {role.code: role for role in Role.objects.all()}
    users = {}
    for username, full_name, role, org_code, vendor_code in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = actions.do_create_user(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                roles=[roles[role.value]],
                full_name=full_name,
                organisation=Organisation.objects.get(code=org_code),
                vendor=vendors.get(vendor_code),
                email=f"{username}@demo.yunwei.invalid",
                phone=f"1390000{len(users):04d}",
            )
        users[username] = user
    return {"national": national, "province": province, "vendors": vendors, "users": users}


def is_loaded() -> bool:
    return User.objects.filter(username="admin", organisation__code="19900000101").exists()


def load_demo() -> list[str]:
    """Load every app's part of the demo province; returns the names of the parts loaded."""
    from yunwei.cmdb.demo import load_demo_cmdb
    from yunwei.core.roles import sync_roles
    from yunwei.core.tasks import ensure_default_schedules
    from yunwei.inspections.demo import load_demo_inspections
    from yunwei.inspections.tasks import ensure_default_schedules as ensure_inspection_schedules
    from yunwei.knowledge.demo import load_demo_knowledge
    from yunwei.tickets.demo import load_demo_tickets
    from yunwei.tickets.sla import ensure_default_schedules as ensure_sla_schedules
    from yunwei.tickets.tasks import ensure_default_schedules as ensure_ticket_schedules

    sync_roles()
    core = load_demo_core()
    steps = ["组织机构", "厂商", "用户"]
    admin = core["users"]["admin"]
    load_demo_cmdb(province=core["province"], vendors=core["vendors"], actor=admin)
    steps.append("CMDB")
    ensure_default_schedules()
    ensure_ticket_schedules()
    ensure_sla_schedules()
    ensure_inspection_schedules()
    steps.append("计划任务")
    load_demo_tickets(actor=admin)
    steps.append("工单")
    load_demo_knowledge(actor=admin)
    steps.append("知识库")
    load_demo_inspections(province=core["province"], actor=admin)
    steps.append("巡检")
    load_demo_messages(core["users"])
    steps.append("站内消息")
    return steps


def load_demo_messages(users: dict) -> None:
    """A welcome message in every demo inbox, and the calendar check's warning for admins."""
    from yunwei.core.models import Notification
    from yunwei.core.notify import notify
    from yunwei.core.tasks import check_calendar_years

    if Notification.objects.filter(event="core.welcome").exists():
        return
    with transaction.atomic():
        notify(
            "core.welcome",
            recipients=list(users.values()),
            title="欢迎使用运维服务管理平台",
            body="这是演示省份。首页“今天待我处理”汇集需要您处理的事项；右上角铃铛是站内消息。",
            url="/",
        )
    check_calendar_years()
