"""Choice sets of the CMDB: enums with labels (Chinese through i18n) and Bootstrap colours."""

from django.utils.translation import gettext_lazy as _

from yunwei.utilities.choices import ChoiceSet, with_colors


@with_colors({"core": "danger", "important": "warning", "general": "secondary"})
class Criticality(ChoiceSet):
    CORE = "core", _("Core")
    IMPORTANT = "important", _("Important")
    GENERAL = "general", _("General")


@with_colors({"active": "success", "retired": "secondary"})
class SystemStatus(ChoiceSet):
    ACTIVE = "active", _("In service")
    RETIRED = "retired", _("Retired")


@with_colors(
    {"production": "danger", "preproduction": "warning", "test": "info", "training": "secondary"}
)
class Environment(ChoiceSet):
    PRODUCTION = "production", _("Production")
    PREPRODUCTION = "preproduction", _("Pre-production")
    TEST = "test", _("Test")
    TRAINING = "training", _("Training")


@with_colors(
    {"intranet": "primary", "extranet": "warning", "government": "info", "internet": "danger"}
)
class NetworkZone(ChoiceSet):
    INTRANET = "intranet", _("Intranet")
    EXTRANET = "extranet", _("Extranet")
    GOVERNMENT = "government", _("Government network")
    INTERNET = "internet", _("Internet")


@with_colors(
    {"active": "success", "standby": "info", "maintenance": "warning", "retired": "secondary"}
)
class InstanceStatus(ChoiceSet):
    ACTIVE = "active", _("In use")
    STANDBY = "standby", _("Standby")
    MAINTENANCE = "maintenance", _("Under maintenance")
    RETIRED = "retired", _("Retired")


@with_colors({"oracle": "danger", "postgresql": "primary", "mysql": "info", "dameng": "warning"})
class DatabaseEngine(ChoiceSet):
    ORACLE = "oracle", "Oracle"
    POSTGRESQL = "postgresql", "PostgreSQL"
    MYSQL = "mysql", "MySQL"
    MARIADB = "mariadb", "MariaDB"
    DAMENG = "dameng", _("Dameng (DM)")
    OTHER = "other", _("Other")


@with_colors(
    {
        "core": "danger",
        "front": "warning",
        "receive": "info",
        "link": "primary",
        "query": "success",
        "distribution": "secondary",
    }
)
class DatabaseRole(ChoiceSet):
    CORE = "core", _("Core database")
    FRONT = "front", _("Front database")
    RECEIVE = "receive", _("Receiving database")
    LINK = "link", _("Link database")
    QUERY = "query", _("Query database")
    DISTRIBUTION = "distribution", _("Distribution database")
    OTHER = "other", _("Other")


class MiddlewareKind(ChoiceSet):
    WEBLOGIC = "weblogic", "WebLogic"
    TOMCAT = "tomcat", "Tomcat"
    NGINX = "nginx", "nginx"
    REDIS = "redis", "Redis"
    ROCKETMQ = "rocketmq", "RocketMQ"
    OGG = "ogg", "OGG"
    OSB = "osb", "OSB"
    UNDERTOW = "undertow", "Undertow"
    KAFKA = "kafka", "Kafka"
    OTHER = "other", _("Other")


class Counterparty(ChoiceSet):
    HUMAN_RESOURCES = "human_resources", _("Human resources and social security")
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance")
    BANK = "bank", _("Bank")
    TREASURY = "treasury", _("Treasury")
    SETTLEMENT_CENTRE = "settlement_centre", _("Settlement centre")
    SMS = "sms", _("SMS platform")
    STA = "sta", _("State Taxation Administration")
    OTHER = "other", _("Other")


class InterfaceProtocol(ChoiceSet):
    WEBSERVICE = "webservice", "WebService"
    HTTP = "http", "HTTP"
    EJB = "ejb", "EJB"
    OSB = "osb", "OSB"
    MQ = "mq", _("Message queue")
    DBLINK = "dblink", _("Database link")
    FILE = "file", _("File")
    OTHER = "other", _("Other")


class InterfaceDirection(ChoiceSet):
    PUSH = "push", _("Push (source → target)")
    PULL = "pull", _("Pull (source ← target)")
    BOTH = "both", _("Both ways")
