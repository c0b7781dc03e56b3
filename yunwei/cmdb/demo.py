"""Demo CMDB: the systems of the mission brief with environments, hosts, databases,
middleware, interfaces and contacts. Idempotent: objects are looked up by natural key and
only missing ones are created (through the audited actions).

Everything here is invented: names, phone numbers (138-0000-xxxx), e-mail addresses under
``.invalid``, passwords. The 10.x addresses are data only; nothing connects to them.
"""

from datetime import date

from django.db import transaction

from yunwei.cmdb.actions import do_save_database
from yunwei.cmdb.choices import (
    Counterparty,
    Criticality,
    DatabaseEngine,
    DatabaseRole,
    Environment,
    InterfaceDirection,
    InterfaceProtocol,
    MiddlewareKind,
    NetworkZone,
)
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.core.actions import do_save_object
from yunwei.core.models import Organisation, Vendor

E = Environment
PRD, PRE, TST, TRN = E.PRODUCTION, E.PREPRODUCTION, E.TEST, E.TRAINING
ENV_OCTET = {PRD: 16, PRE: 32, TST: 48, TRN: 64}
ENV_ABBR = {PRD: "prd", PRE: "pre", TST: "tst", TRN: "trn"}
ENV_ROOM = {PRD: "省局主机房 A区", PRE: "省局主机房 B区", TST: "测试机房", TRN: "培训机房"}

FALLBACK_VENDORS = {
    "V-ZHIXIN": ("江川智信运维服务有限公司", "智信运维"),
    "V-HUAKE": ("华科软件开发有限公司", "华科软件"),
    "V-JINQIAO": ("金桥数据技术有限公司", "金桥数据"),
    "V-ZHONGDUAN": ("众端自助设备有限公司", "众端设备"),
}

RHEL = "Red Hat Enterprise Linux 7.9"
KYLIN = "银河麒麟 Kylin V10 SP2"
ORA = (DatabaseEngine.ORACLE, "19c", 1521)

# code, name, short name, owner section, vendors, criticality, domains, go-live, description
SYSTEMS = [
    (
        "SBF-ZS",
        "社保费征收子系统",
        "征收子系统",
        "社会保险费处",
        ["V-ZHIXIN", "V-HUAKE"],
        Criticality.CORE,
        "登记、申报、征收、证明、会计统计、税收法制、系统管理维护、查询统计",
        date(2019, 1, 1),
        "金税三期社保费征收子系统：190余项功能、30余个服务接口，与8个系统交换数据。"
        "Oracle + WebLogic，OGG 复制，OSB/EJB 调用，消息队列。",
    ),
    (
        "SBF-GL",
        "社保费管理子系统",
        "管理子系统",
        "社会保险费处",
        ["V-ZHIXIN", "V-HUAKE"],
        Criticality.CORE,
        "户籍管理、征集单管理、缴费管理、对账回盘、查询统计",
        date(2020, 11, 1),
        "服务城乡居民养老、医疗，灵活就业人员及用人单位缴费；5个业务域、23个流程。"
        "应用：大厅Web应用、核心服务、链路服务、查询统计。",
    ),
    (
        "SBF-SYJF",
        "税银缴费子系统",
        "税银缴费",
        "社会保险费处",
        ["V-ZHIXIN"],
        Criticality.CORE,
        "实时缴费、批量扣款、报文转发",
        date(2020, 11, 1),
        "与商业银行之间的实时缴费、三方协议批量扣款和报文转发。",
    ),
    (
        "SBF-XXGX",
        "社保费信息共享平台",
        "信息共享平台",
        "社会保险费处",
        ["V-ZHIXIN"],
        Criticality.CORE,
        "户籍接收、征集单接收、缴费结果回盘、对账",
        date(2020, 11, 1),
        "与人社、医保部门交换户籍、征集单和回盘数据。",
    ),
    (
        "SBF-TSRJ",
        "用人单位社保费征缴特色软件",
        "特色软件",
        "社会保险费处",
        ["V-ZHIXIN", "V-HUAKE"],
        Criticality.IMPORTANT,
        "税务端支撑平台、缴费人客户端、数据交换、可视化监控",
        date(2021, 7, 1),
        "税务端支撑平台、缴费人客户端（PC + 微信），通过中间库（前置库）与人社、医保交换数据，"
        "可视化监控中心。Redis、Tomcat、RocketMQ、Undertow、nginx、Oracle。",
    ),
    (
        "SBF-WX",
        "微信/12366社保费缴费渠道",
        "微信渠道",
        "社会保险费处",
        ["V-ZHIXIN"],
        Criticality.IMPORTANT,
        "缴费、补缴、缴费证明打印、退费",
        date(2021, 1, 1),
        "城乡居民和灵活就业人员缴费、补缴、打印证明、退费；用户量大；银联接口。",
    ),
    (
        "ZF-GS",
        "行政执法信息公示平台",
        "执法公示",
        "征管和科技发展处",
        ["V-JINQIAO"],
        Criticality.GENERAL,
        "数据抽取、数据仓库、信息公示",
        date(2020, 3, 1),
        "Oracle + WebLogic；每日定时增量抽取数据到数据仓库和集市。",
    ),
    (
        "ZF-YX",
        "执法音像记录信息管理平台",
        "执法音像",
        "征管和科技发展处",
        ["V-JINQIAO"],
        Criticality.GENERAL,
        "音像采集、存储归档、调阅",
        date(2020, 9, 1),
        "执法记录仪音像资料的采集、归档与调阅。Oracle + WebLogic。",
    ),
    (
        "NF-ZNHD",
        "征纳互动平台",
        "征纳互动",
        "纳税服务处",
        ["V-HUAKE", "V-ZHIXIN"],
        Criticality.IMPORTANT,
        "在线咨询、消息推送、远程办理",
        date(2022, 4, 1),
        "服务30万余户企业、100万余名纳税人，日均互动约2000次。",
    ),
    (
        "NF-ZZBS",
        "自助办税终端管理系统",
        "自助办税终端",
        "纳税服务处",
        ["V-ZHONGDUAN"],
        Criticality.GENERAL,
        "终端管理、自助办税、监控运维",
        date(2018, 6, 1),
        "全省各市多个厂家的自助办税终端的统一管理。",
    ),
]

# Per system and environment: host groups (key, role, count, zone, os, cpu, memory GB),
# databases (name, role, engine spec, host key, service name, user) and
# middleware (label, kind, version, host key, port, admin path).
APP_ZONE = NetworkZone.INTRANET


def _hosts(*groups):
    return list(groups)


TOPOLOGY = {
    "SBF-GL": {
        PRD: {
            "hosts": _hosts(
                ("web", "大厅Web应用服务器", 4, APP_ZONE, RHEL, 16, 32),
                ("app", "核心服务应用服务器", 4, APP_ZONE, RHEL, 32, 64),
                ("lnk", "链路服务应用服务器", 3, APP_ZONE, RHEL, 16, 32),
                ("qry", "查询统计应用服务器", 2, APP_ZONE, RHEL, 16, 64),
                ("ngx", "nginx 负载均衡", 2, NetworkZone.EXTRANET, RHEL, 8, 16),
                ("rds", "Redis 缓存服务器", 2, APP_ZONE, RHEL, 8, 32),
                ("ogg", "OGG 复制服务器", 1, APP_ZONE, RHEL, 16, 32),
                ("dbcore", "核心库数据库服务器 (RAC)", 2, APP_ZONE, RHEL, 64, 512),
                ("dbfront", "前置库数据库服务器", 2, NetworkZone.EXTRANET, RHEL, 32, 128),
                ("dbrecv", "接收库数据库服务器", 2, APP_ZONE, RHEL, 32, 128),
                ("dblink", "链路库数据库服务器", 1, APP_ZONE, RHEL, 32, 128),
                ("dbqry", "查询库数据库服务器", 1, APP_ZONE, RHEL, 64, 256),
            ),
            "databases": [
                ("社保费管理核心库", DatabaseRole.CORE, ORA, "dbcore01", "SBFGL", "sbfgl_app"),
                (
                    "社保费管理核心备库(ADG)",
                    DatabaseRole.CORE,
                    ORA,
                    "dbcore02",
                    "SBFGLDG",
                    "sbfgl_ro",
                ),
                ("人社前置库", DatabaseRole.FRONT, ORA, "dbfront01", "RSQZK", "rs_exch"),
                ("医保前置库", DatabaseRole.FRONT, ORA, "dbfront01", "YBQZK", "yb_exch"),
                ("银行前置库", DatabaseRole.FRONT, ORA, "dbfront02", "YHQZK", "bank_exch"),
                ("职业年金前置库", DatabaseRole.FRONT, ORA, "dbfront02", "NJQZK", "nj_exch"),
                ("人社接收库", DatabaseRole.RECEIVE, ORA, "dbrecv01", "RSJSK", "rs_recv"),
                ("医保接收库", DatabaseRole.RECEIVE, ORA, "dbrecv01", "YBJSK", "yb_recv"),
                ("回盘接收库", DatabaseRole.RECEIVE, ORA, "dbrecv02", "HPJSK", "hp_recv"),
                ("管理链路库", DatabaseRole.LINK, ORA, "dblink01", "GLLLK", "link_app"),
                ("征收链路库", DatabaseRole.LINK, ORA, "dblink01", "ZSLLK", "link_zs"),
                ("查询统计库", DatabaseRole.QUERY, ORA, "dbqry01", "SBFCX", "query_ro"),
                ("分发查询库", DatabaseRole.DISTRIBUTION, ORA, "dbqry01", "SBFFF", "dist_ro"),
            ],
            "middleware": [
                ("大厅Web Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "web", 8080, ""),
                ("核心服务 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
                ("链路服务 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "lnk", 7001, "/console"),
                ("查询统计 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "qry", 8080, ""),
                ("负载均衡 nginx", MiddlewareKind.NGINX, "1.24.0", "ngx", 443, ""),
                ("会话缓存 Redis", MiddlewareKind.REDIS, "6.2.14", "rds", 6379, ""),
                ("核心库→查询库 OGG", MiddlewareKind.OGG, "21.3", "ogg", 7809, ""),
            ],
        },
        PRE: {
            "hosts": _hosts(
                ("web", "大厅Web应用服务器", 1, APP_ZONE, RHEL, 8, 16),
                ("app", "核心服务应用服务器", 1, APP_ZONE, RHEL, 16, 32),
                ("lnk", "链路服务应用服务器", 1, APP_ZONE, RHEL, 8, 16),
                ("db", "数据库服务器", 2, APP_ZONE, RHEL, 32, 128),
            ),
            "databases": [
                ("社保费管理核心库", DatabaseRole.CORE, ORA, "db01", "SBFGL", "sbfgl_app"),
                ("前置库", DatabaseRole.FRONT, ORA, "db02", "QZK", "exch"),
                ("接收库", DatabaseRole.RECEIVE, ORA, "db02", "JSK", "recv"),
                ("链路库", DatabaseRole.LINK, ORA, "db02", "LLK", "link_app"),
                ("查询统计库", DatabaseRole.QUERY, ORA, "db01", "SBFCX", "query_ro"),
            ],
            "middleware": [
                ("大厅Web Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "web", 8080, ""),
                ("核心服务 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
                ("链路服务 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "lnk", 7001, "/console"),
            ],
        },
        TST: {
            "hosts": _hosts(
                ("app", "应用服务器", 2, APP_ZONE, RHEL, 8, 16),
                ("db", "数据库服务器", 1, APP_ZONE, RHEL, 16, 64),
            ),
            "databases": [
                ("社保费管理核心库", DatabaseRole.CORE, ORA, "db01", "SBFGLT", "sbfgl_app"),
                ("前置库", DatabaseRole.FRONT, ORA, "db01", "QZKT", "exch"),
                ("接收库", DatabaseRole.RECEIVE, ORA, "db01", "JSKT", "recv"),
                ("链路库", DatabaseRole.LINK, ORA, "db01", "LLKT", "link_app"),
                ("查询统计库", DatabaseRole.QUERY, ORA, "db01", "SBFCXT", "query_ro"),
            ],
            "middleware": [
                ("核心服务 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
                ("大厅Web Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, ""),
            ],
        },
        TRN: {
            "hosts": _hosts(("all", "培训一体机", 1, APP_ZONE, RHEL, 8, 32)),
            "databases": [
                ("社保费管理培训库", DatabaseRole.CORE, ORA, "all01", "SBFPX", "sbfgl_app"),
            ],
            "middleware": [
                ("培训 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "all", 7001, "/console"),
            ],
        },
    },
    "SBF-ZS": {
        PRD: {
            "hosts": _hosts(
                ("app", "WebLogic 应用服务器", 6, APP_ZONE, RHEL, 32, 64),
                ("osb", "OSB 服务总线", 2, APP_ZONE, RHEL, 16, 32),
                ("mq", "消息队列服务器", 2, APP_ZONE, RHEL, 8, 32),
                ("ogg", "OGG 复制服务器", 1, APP_ZONE, RHEL, 16, 32),
                ("db", "数据库服务器 (RAC)", 2, APP_ZONE, RHEL, 64, 512),
                ("dbqry", "查询库数据库服务器", 1, APP_ZONE, RHEL, 32, 256),
            ),
            "databases": [
                ("征收核心库", DatabaseRole.CORE, ORA, "db01", "JS3ZS", "zs_app"),
                ("征收查询库", DatabaseRole.QUERY, ORA, "dbqry01", "JS3CX", "zs_ro"),
                ("征收分发库", DatabaseRole.DISTRIBUTION, ORA, "dbqry01", "JS3FF", "zs_dist"),
            ],
            "middleware": [
                ("征收 WebLogic 集群", MiddlewareKind.WEBLOGIC, "12.1.3", "app", 7001, "/console"),
                ("OSB 服务总线", MiddlewareKind.OSB, "12.1.3", "osb", 8011, "/sbconsole"),
                ("征收消息队列", MiddlewareKind.ROCKETMQ, "4.9.7", "mq", 9876, ""),
                ("核心库→查询库 OGG", MiddlewareKind.OGG, "19.1", "ogg", 7809, ""),
            ],
        },
        PRE: {
            "hosts": _hosts(
                ("app", "应用服务器", 2, APP_ZONE, RHEL, 16, 32),
                ("db", "数据库服务器", 1, APP_ZONE, RHEL, 32, 128),
            ),
            "databases": [("征收核心库", DatabaseRole.CORE, ORA, "db01", "JS3ZS", "zs_app")],
            "middleware": [
                ("征收 WebLogic", MiddlewareKind.WEBLOGIC, "12.1.3", "app", 7001, "/console"),
            ],
        },
        TST: {
            "hosts": _hosts(
                ("app", "应用服务器", 1, APP_ZONE, RHEL, 8, 16),
                ("db", "数据库服务器", 1, APP_ZONE, RHEL, 16, 64),
            ),
            "databases": [("征收核心库", DatabaseRole.CORE, ORA, "db01", "JS3ZST", "zs_app")],
            "middleware": [
                ("征收 WebLogic", MiddlewareKind.WEBLOGIC, "12.1.3", "app", 7001, "/console"),
            ],
        },
    },
    "SBF-SYJF": {
        PRD: {
            "hosts": _hosts(
                ("app", "缴费服务应用服务器", 2, APP_ZONE, RHEL, 16, 32),
                ("gw", "银行报文前置机", 2, NetworkZone.EXTRANET, RHEL, 8, 16),
                ("db", "数据库服务器", 1, APP_ZONE, RHEL, 32, 128),
            ),
            "databases": [
                ("税银缴费核心库", DatabaseRole.CORE, ORA, "db01", "SYJF", "syjf_app"),
                ("银行前置库", DatabaseRole.FRONT, ORA, "db01", "SYQZ", "bank_exch"),
            ],
            "middleware": [
                ("缴费服务 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
                ("报文转发 RocketMQ", MiddlewareKind.ROCKETMQ, "4.9.7", "gw", 9876, ""),
            ],
        },
        TST: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, RHEL, 8, 16)),
            "databases": [("税银缴费核心库", DatabaseRole.CORE, ORA, "app01", "SYJFT", "syjf_app")],
            "middleware": [
                ("缴费服务 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
            ],
        },
    },
    "SBF-XXGX": {
        PRD: {
            "hosts": _hosts(
                ("app", "交换服务应用服务器", 2, NetworkZone.GOVERNMENT, RHEL, 16, 32),
                ("db", "中间库数据库服务器", 1, NetworkZone.GOVERNMENT, RHEL, 32, 128),
            ),
            "databases": [
                ("共享平台中间库", DatabaseRole.FRONT, ORA, "db01", "GXZJK", "gx_exch"),
                ("回盘库", DatabaseRole.RECEIVE, ORA, "db01", "GXHP", "gx_hp"),
            ],
            "middleware": [
                ("交换服务 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, ""),
            ],
        },
        TST: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, RHEL, 8, 16)),
            "databases": [
                ("共享平台中间库", DatabaseRole.FRONT, ORA, "app01", "GXZJKT", "gx_exch")
            ],
            "middleware": [("交换服务 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, "")],
        },
    },
    "SBF-TSRJ": {
        PRD: {
            "hosts": _hosts(
                ("ngx", "nginx 接入", 2, NetworkZone.INTERNET, KYLIN, 8, 16),
                ("app", "支撑平台应用服务器", 3, APP_ZONE, KYLIN, 16, 32),
                ("cli", "缴费人客户端服务", 2, NetworkZone.EXTRANET, KYLIN, 16, 32),
                ("mq", "RocketMQ 服务器", 2, APP_ZONE, KYLIN, 8, 32),
                ("rds", "Redis 服务器", 2, APP_ZONE, KYLIN, 8, 32),
                ("db", "数据库服务器", 2, APP_ZONE, KYLIN, 32, 256),
            ),
            "databases": [
                ("特色软件业务库", DatabaseRole.CORE, ORA, "db01", "TSRJ", "tsrj_app"),
                ("人社医保中间库", DatabaseRole.FRONT, ORA, "db02", "TSZJK", "tsrj_exch"),
                ("监控中心查询库", DatabaseRole.QUERY, ORA, "db02", "TSJK", "tsrj_ro"),
            ],
            "middleware": [
                ("接入 nginx", MiddlewareKind.NGINX, "1.24.0", "ngx", 443, ""),
                ("支撑平台 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, ""),
                ("客户端服务 Undertow", MiddlewareKind.UNDERTOW, "2.2.28", "cli", 8443, ""),
                ("消息 RocketMQ", MiddlewareKind.ROCKETMQ, "4.9.7", "mq", 9876, ""),
                ("缓存 Redis", MiddlewareKind.REDIS, "6.2.14", "rds", 6379, ""),
            ],
        },
        PRE: {
            "hosts": _hosts(
                ("app", "应用服务器", 2, APP_ZONE, KYLIN, 8, 16),
                ("db", "数据库服务器", 1, APP_ZONE, KYLIN, 16, 64),
            ),
            "databases": [("特色软件业务库", DatabaseRole.CORE, ORA, "db01", "TSRJ", "tsrj_app")],
            "middleware": [
                ("支撑平台 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, ""),
                ("缓存 Redis", MiddlewareKind.REDIS, "6.2.14", "app", 6379, ""),
            ],
        },
        TST: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, KYLIN, 8, 16)),
            "databases": [("特色软件业务库", DatabaseRole.CORE, ORA, "app01", "TSRJT", "tsrj_app")],
            "middleware": [("支撑平台 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, "")],
        },
    },
    "SBF-WX": {
        PRD: {
            "hosts": _hosts(
                ("ngx", "nginx 接入", 2, NetworkZone.INTERNET, RHEL, 8, 16),
                ("app", "渠道服务应用服务器", 4, NetworkZone.EXTRANET, RHEL, 16, 32),
                ("rds", "Redis 服务器", 2, NetworkZone.EXTRANET, RHEL, 8, 32),
                ("db", "数据库服务器", 2, NetworkZone.EXTRANET, RHEL, 32, 128),
            ),
            "databases": [
                (
                    "渠道业务库",
                    DatabaseRole.CORE,
                    (DatabaseEngine.MYSQL, "8.0.36", 3306),
                    "db01",
                    "wxqd",
                    "wx_app",
                ),
                (
                    "渠道查询库",
                    DatabaseRole.QUERY,
                    (DatabaseEngine.MYSQL, "8.0.36", 3306),
                    "db02",
                    "wxqd_ro",
                    "wx_ro",
                ),
            ],
            "middleware": [
                ("接入 nginx", MiddlewareKind.NGINX, "1.24.0", "ngx", 443, ""),
                ("渠道服务 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, ""),
                ("会话缓存 Redis", MiddlewareKind.REDIS, "6.2.14", "rds", 6379, ""),
            ],
        },
        TST: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, RHEL, 8, 16)),
            "databases": [
                (
                    "渠道业务库",
                    DatabaseRole.CORE,
                    (DatabaseEngine.MYSQL, "8.0.36", 3306),
                    "app01",
                    "wxqd",
                    "wx_app",
                ),
            ],
            "middleware": [("渠道服务 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, "")],
        },
    },
    "ZF-GS": {
        PRD: {
            "hosts": _hosts(
                ("app", "WebLogic 应用服务器", 2, APP_ZONE, RHEL, 16, 32),
                ("etl", "数据抽取服务器", 1, APP_ZONE, RHEL, 16, 64),
                ("db", "数据仓库服务器", 1, APP_ZONE, RHEL, 32, 256),
            ),
            "databases": [
                ("公示平台业务库", DatabaseRole.CORE, ORA, "db01", "ZFGS", "zfgs_app"),
                ("执法数据仓库", DatabaseRole.QUERY, ORA, "db01", "ZFDW", "zfdw_etl"),
            ],
            "middleware": [
                ("公示平台 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
            ],
        },
        PRE: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, RHEL, 8, 16)),
            "databases": [("公示平台业务库", DatabaseRole.CORE, ORA, "app01", "ZFGS", "zfgs_app")],
            "middleware": [
                ("公示平台 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
            ],
        },
        TST: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, RHEL, 8, 16)),
            "databases": [("公示平台业务库", DatabaseRole.CORE, ORA, "app01", "ZFGST", "zfgs_app")],
            "middleware": [
                ("公示平台 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
            ],
        },
    },
    "ZF-YX": {
        PRD: {
            "hosts": _hosts(
                ("app", "WebLogic 应用服务器", 2, APP_ZONE, RHEL, 16, 32),
                ("db", "数据库服务器", 1, APP_ZONE, RHEL, 32, 128),
            ),
            "databases": [("音像记录业务库", DatabaseRole.CORE, ORA, "db01", "ZFYX", "zfyx_app")],
            "middleware": [
                ("音像平台 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
            ],
        },
        PRE: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, RHEL, 8, 16)),
            "databases": [("音像记录业务库", DatabaseRole.CORE, ORA, "app01", "ZFYX", "zfyx_app")],
            "middleware": [
                ("音像平台 WebLogic", MiddlewareKind.WEBLOGIC, "12.2.1.4", "app", 7001, "/console"),
            ],
        },
        TST: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, RHEL, 8, 16)),
            "databases": [("音像记录业务库", DatabaseRole.CORE, ORA, "app01", "ZFYXT", "zfyx_app")],
            "middleware": [],
        },
    },
    "NF-ZNHD": {
        PRD: {
            "hosts": _hosts(
                ("ngx", "nginx 接入", 2, NetworkZone.INTERNET, KYLIN, 8, 16),
                ("app", "互动服务应用服务器", 4, NetworkZone.EXTRANET, KYLIN, 16, 32),
                ("mq", "Kafka 服务器", 3, APP_ZONE, KYLIN, 8, 32),
                ("db", "数据库服务器", 2, APP_ZONE, KYLIN, 32, 256),
            ),
            "databases": [
                (
                    "互动平台业务库",
                    DatabaseRole.CORE,
                    (DatabaseEngine.POSTGRESQL, "14.11", 5432),
                    "db01",
                    "znhd",
                    "znhd_app",
                ),
                (
                    "互动平台查询库",
                    DatabaseRole.QUERY,
                    (DatabaseEngine.POSTGRESQL, "14.11", 5432),
                    "db02",
                    "znhd",
                    "znhd_ro",
                ),
            ],
            "middleware": [
                ("接入 nginx", MiddlewareKind.NGINX, "1.24.0", "ngx", 443, ""),
                ("消息 Kafka", MiddlewareKind.KAFKA, "3.6.1", "mq", 9092, ""),
                ("互动服务 Undertow", MiddlewareKind.UNDERTOW, "2.2.28", "app", 8080, ""),
            ],
        },
        TST: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, KYLIN, 8, 16)),
            "databases": [
                (
                    "互动平台业务库",
                    DatabaseRole.CORE,
                    (DatabaseEngine.POSTGRESQL, "14.11", 5432),
                    "app01",
                    "znhd",
                    "znhd_app",
                ),
            ],
            "middleware": [
                ("互动服务 Undertow", MiddlewareKind.UNDERTOW, "2.2.28", "app", 8080, "")
            ],
        },
    },
    "NF-ZZBS": {
        PRD: {
            "hosts": _hosts(
                ("app", "终端管理应用服务器", 2, NetworkZone.EXTRANET, KYLIN, 16, 32),
                ("db", "数据库服务器", 1, APP_ZONE, KYLIN, 16, 64),
            ),
            "databases": [
                (
                    "终端管理库",
                    DatabaseRole.CORE,
                    (DatabaseEngine.DAMENG, "DM8", 5236),
                    "db01",
                    "ZZBS",
                    "zzbs_app",
                ),
            ],
            "middleware": [
                ("终端管理 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, ""),
            ],
        },
        TST: {
            "hosts": _hosts(("app", "应用服务器", 1, APP_ZONE, KYLIN, 8, 16)),
            "databases": [
                (
                    "终端管理库",
                    DatabaseRole.CORE,
                    (DatabaseEngine.DAMENG, "DM8", 5236),
                    "app01",
                    "ZZBST",
                    "zzbs_app",
                ),
            ],
            "middleware": [("终端管理 Tomcat", MiddlewareKind.TOMCAT, "9.0.83", "app", 8080, "")],
        },
    },
}

C, P = Counterparty, InterfaceProtocol
PUSH, PULL, BOTH = InterfaceDirection.PUSH, InterfaceDirection.PULL, InterfaceDirection.BOTH
CORE, IMPORTANT, GENERAL = Criticality.CORE, Criticality.IMPORTANT, Criticality.GENERAL

# code, name, source, target system, counterparty, protocol, direction, criticality
INTERFACES = [
    (
        "IF-XXGX-001",
        "人社户籍及征集单接收",
        "SBF-XXGX",
        None,
        C.HUMAN_RESOURCES,
        P.DBLINK,
        PULL,
        CORE,
    ),
    (
        "IF-XXGX-002",
        "医保户籍及征集单接收",
        "SBF-XXGX",
        None,
        C.MEDICAL_INSURANCE,
        P.DBLINK,
        PULL,
        CORE,
    ),
    ("IF-XXGX-003", "人社缴费结果回盘", "SBF-XXGX", None, C.HUMAN_RESOURCES, P.DBLINK, PUSH, CORE),
    (
        "IF-XXGX-004",
        "医保缴费结果回盘",
        "SBF-XXGX",
        None,
        C.MEDICAL_INSURANCE,
        P.DBLINK,
        PUSH,
        CORE,
    ),
    ("IF-XXGX-005", "征集单下发管理子系统", "SBF-XXGX", "SBF-GL", "", P.MQ, PUSH, CORE),
    ("IF-GL-001", "缴费信息同步征收子系统", "SBF-GL", "SBF-ZS", "", P.WEBSERVICE, PUSH, CORE),
    ("IF-GL-002", "调用征收子系统开票服务", "SBF-GL", "SBF-ZS", "", P.EJB, PULL, CORE),
    ("IF-GL-003", "缴费提醒短信", "SBF-GL", None, C.SMS, P.HTTP, PUSH, GENERAL),
    ("IF-GL-004", "回盘数据上送共享平台", "SBF-GL", "SBF-XXGX", "", P.MQ, PUSH, CORE),
    ("IF-ZS-001", "税款入库（国库）", "SBF-ZS", None, C.TREASURY, P.MQ, BOTH, CORE),
    ("IF-ZS-002", "总局数据上报", "SBF-ZS", None, C.STA, P.FILE, PUSH, IMPORTANT),
    ("IF-ZS-003", "OSB 服务总线调用", "SBF-ZS", "SBF-SYJF", "", P.OSB, BOTH, CORE),
    ("IF-SYJF-001", "银行实时缴费", "SBF-SYJF", None, C.BANK, P.MQ, BOTH, CORE),
    ("IF-SYJF-002", "批量扣款文件交换", "SBF-SYJF", None, C.BANK, P.FILE, BOTH, CORE),
    ("IF-SYJF-003", "扣款结果回写管理子系统", "SBF-SYJF", "SBF-GL", "", P.WEBSERVICE, PUSH, CORE),
    (
        "IF-SYJF-004",
        "职业年金划转对账",
        "SBF-SYJF",
        None,
        C.SETTLEMENT_CENTRE,
        P.FILE,
        PULL,
        IMPORTANT,
    ),
    (
        "IF-TSRJ-001",
        "人社中间库数据交换",
        "SBF-TSRJ",
        None,
        C.HUMAN_RESOURCES,
        P.DBLINK,
        BOTH,
        IMPORTANT,
    ),
    (
        "IF-TSRJ-002",
        "医保中间库数据交换",
        "SBF-TSRJ",
        None,
        C.MEDICAL_INSURANCE,
        P.DBLINK,
        BOTH,
        IMPORTANT,
    ),
    ("IF-TSRJ-003", "缴费人客户端申报", "SBF-TSRJ", "SBF-GL", "", P.HTTP, PUSH, IMPORTANT),
    ("IF-WX-001", "微信缴费下单", "SBF-WX", "SBF-GL", "", P.HTTP, PUSH, IMPORTANT),
    ("IF-WX-002", "银联支付", "SBF-WX", None, C.BANK, P.HTTP, BOTH, IMPORTANT),
    ("IF-WX-003", "缴费证明打印", "SBF-WX", "SBF-ZS", "", P.HTTP, PULL, GENERAL),
    ("IF-ZF-001", "执法数据每日增量抽取", "ZF-GS", "SBF-ZS", "", P.DBLINK, PULL, GENERAL),
    ("IF-ZF-002", "执法公示信息上报总局", "ZF-GS", None, C.STA, P.WEBSERVICE, PUSH, GENERAL),
    ("IF-ZFYX-001", "音像记录关联执法文书", "ZF-YX", "ZF-GS", "", P.HTTP, PUSH, GENERAL),
    ("IF-ZNHD-001", "互动消息短信推送", "NF-ZNHD", None, C.SMS, P.HTTP, PUSH, GENERAL),
    ("IF-ZNHD-002", "纳税人身份认证", "NF-ZNHD", None, C.STA, P.WEBSERVICE, PULL, IMPORTANT),
    ("IF-ZZBS-001", "终端办税服务调用", "NF-ZZBS", "SBF-ZS", "", P.OSB, PULL, GENERAL),
    ("IF-ZZBS-002", "终端社保费缴纳", "NF-ZZBS", "SBF-GL", "", P.HTTP, PUSH, GENERAL),
]

SI_SYSTEMS = ["SBF-ZS", "SBF-GL", "SBF-SYJF", "SBF-XXGX", "SBF-TSRJ", "SBF-WX"]

# name, position, phone, section (bureau), vendor code, outside unit, systems
CONTACTS = [
    ("郑文涛", "运维管理科科长", "13800000201", "信息中心", None, "", [*SI_SYSTEMS, "NF-ZNHD"]),
    ("韩雪", "社保费业务负责人", "13800000202", "社会保险费处", None, "", SI_SYSTEMS),
    ("冯立", "纳税服务业务联系人", "13800000203", "纳税服务处", None, "", ["NF-ZNHD", "NF-ZZBS"]),
    ("蒋海", "执法信息化联系人", "13800000204", "征管和科技发展处", None, "", ["ZF-GS", "ZF-YX"]),
    ("周明远", "项目经理", "13800000101", None, "V-ZHIXIN", "", SI_SYSTEMS),
    ("孔德明", "数据维护岗（DBA）", "13800000211", None, "V-ZHIXIN", "", ["SBF-GL", "SBF-ZS"]),
    ("曹静", "系统维护岗", "13800000212", None, "V-ZHIXIN", "", ["SBF-GL", "SBF-SYJF", "SBF-XXGX"]),
    ("林子航", "开发负责人", "13800000102", None, "V-HUAKE", "", ["SBF-GL", "SBF-TSRJ", "NF-ZNHD"]),
    ("许文博", "项目经理", "13800000103", None, "V-JINQIAO", "", ["ZF-GS", "ZF-YX"]),
    ("贺晓东", "项目经理", "13800000104", None, "V-ZHONGDUAN", "", ["NF-ZZBS"]),
    (
        "马骏",
        "信息中心接口人",
        "13800000221",
        None,
        None,
        "江川省人力资源和社会保障厅信息中心",
        ["SBF-XXGX", "SBF-TSRJ"],
    ),
    (
        "邓琳",
        "信息科接口人",
        "13800000222",
        None,
        None,
        "江川省医疗保障局信息科",
        ["SBF-XXGX", "SBF-TSRJ"],
    ),
    (
        "谢鹏",
        "科技部接口人",
        "13800000223",
        None,
        None,
        "江川银行科技部（示例）",
        ["SBF-SYJF", "SBF-WX"],
    ),
    ("唐宁", "国库业务联系人", "13800000224", None, None, "国家金库江川省分库（示例）", ["SBF-ZS"]),
    (
        "罗磊",
        "总局运维联系人",
        "13800000225",
        None,
        None,
        "国家税务总局运维团队（示例）",
        ["SBF-ZS"],
    ),
    (
        "潘越",
        "短信平台客服",
        "13800000226",
        None,
        None,
        "江川短信服务平台（示例）",
        ["SBF-GL", "NF-ZNHD"],
    ),
    (
        "谭悦",
        "年金结算联系人",
        "13800000227",
        None,
        None,
        "江川省职业年金结算中心（示例）",
        ["SBF-SYJF"],
    ),
]


def _vendor(code: str, vendors: dict, actor) -> Vendor:
    if code in vendors:
        return vendors[code]
    existing = Vendor.objects.filter(code=code).first()
    if existing is not None:
        return existing
    name, short = FALLBACK_VENDORS.get(code, (f"{code} 示例科技有限公司", code))
    return do_save_object(Vendor(code=code, name=name, short_name=short), actor=actor)


def _section(province: Organisation, name: str) -> Organisation:
    return province.children.filter(name=name).first() or province


def _create_system(spec, province, vendors, actor) -> System:
    code, name, short, section, vendor_codes, criticality, domains, go_live, description = spec
    existing = System.objects.filter(code=code).first()
    if existing is not None:
        return existing
    system = System(
        code=code,
        name=name,
        short_name=short,
        owner_organisation=_section(province, section),
        criticality=criticality,
        business_domains=domains,
        go_live_date=go_live,
        description=description,
    )
    return do_save_object(
        system, actor=actor, m2m={"vendors": [_vendor(c, vendors, actor) for c in vendor_codes]}
    )


def _load_environment(system: System, index: int, environment, spec, actor) -> None:
    slug = system.code.lower().replace("-", "")
    env = ENV_ABBR[environment]
    hosts: dict[str, Host] = {}
    groups: dict[str, list[Host]] = {}
    number = 10
    for key, role, count, zone, os_name, cpu, memory in spec["hosts"]:
        for n in range(1, count + 1):
            number += 1
            hostname = f"{slug}-{env}-{key}{n:02d}"
            host = Host.objects.filter(system=system, hostname=hostname).first()
            if host is None:
                host = do_save_object(
                    Host(
                        system=system,
                        hostname=hostname,
                        ip_address=f"10.{ENV_OCTET[environment]}.{index}.{number}",
                        environment=environment,
                        network_zone=zone,
                        role=role,
                        os=os_name,
                        cpu_cores=cpu,
                        memory_gb=memory,
                        location=ENV_ROOM[environment],
                    ),
                    actor=actor,
                )
            hosts[f"{key}{n:02d}"] = host
            groups.setdefault(key, []).append(host)
    for name, role, (engine, version, port), host_key, service, username in spec["databases"]:
        if DatabaseInstance.objects.filter(
            system=system, environment=environment, name=name
        ).exists():
            continue
        host = hosts[host_key]
        do_save_database(
            DatabaseInstance(
                system=system,
                environment=environment,
                name=name,
                role=role,
                engine=engine,
                version=version,
                host=host,
                address=host.ip_address,
                port=port,
                service_name=service,
                username=username,
            ),
            actor=actor,
            password=f"Demo#{service.title()}{env.upper()}2026",
        )
    for label, kind, version, host_key, port, admin_path in spec["middleware"]:
        for n, host in enumerate(groups[host_key], start=1):
            name = label if len(groups[host_key]) == 1 else f"{label} {n:02d}"
            if Middleware.objects.filter(
                system=system, environment=environment, name=name
            ).exists():
                continue
            do_save_object(
                Middleware(
                    system=system,
                    environment=environment,
                    name=name,
                    kind=kind,
                    version=version,
                    host=host,
                    port=port,
                    admin_url=f"http://{host.ip_address}:{port}{admin_path}" if admin_path else "",
                ),
                actor=actor,
            )


@transaction.atomic
def load_demo_cmdb(*, province: Organisation, vendors: dict, actor) -> dict:
    """Create the demo CMDB under ``province``; returns the systems by code."""
    vendors = dict(vendors)
    systems = {}
    for index, spec in enumerate(SYSTEMS, start=1):
        system = _create_system(spec, province, vendors, actor)
        systems[system.code] = system
        for environment, env_spec in TOPOLOGY.get(system.code, {}).items():
            _load_environment(system, index, environment, env_spec, actor)
    for code, name, source, target, counterparty, protocol, direction, criticality in INTERFACES:
        if Interface.objects.filter(code=code).exists():
            continue
        do_save_object(
            Interface(
                code=code,
                name=name,
                source_system=systems[source],
                target_system=systems[target] if target else None,
                counterparty=counterparty,
                protocol=protocol,
                direction=direction,
                criticality=criticality,
            ),
            actor=actor,
        )
    for number, (name, position, phone, section, vendor_code, unit, codes) in enumerate(
        CONTACTS, start=1
    ):
        if Contact.objects.filter(name=name, phone=phone).exists():
            continue
        do_save_object(
            Contact(
                name=name,
                position=position,
                phone=phone,
                email=f"contact{number:02d}@demo.yunwei.invalid",
                organisation=_section(province, section) if section else None,
                vendor=_vendor(vendor_code, vendors, actor) if vendor_code else None,
                company=unit,
            ),
            actor=actor,
            m2m={"systems": [systems[code] for code in codes]},
        )
    return systems
