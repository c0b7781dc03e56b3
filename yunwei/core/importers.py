"""Excel importers for organisations and users (all-or-nothing, see utilities/excel.py)."""

from django.utils.translation import gettext as _

from yunwei.core import actions
from yunwei.core.choices import OrganisationLevel
from yunwei.core.models import Organisation, Role, User, Vendor
from yunwei.utilities.excel import ImportColumn, Importer

LEVEL_BY_LABEL = {str(label): value for value, label in OrganisationLevel.choices}
LEVEL_BY_LABEL.update({value: value for value, _label in OrganisationLevel.choices})
LEVEL_BY_LABEL.update(
    {
        "总局": "national",
        "省局": "province",
        "市局": "city",
        "县局": "county",
        "区局": "county",
        "科所": "suboffice",
        "处室": "department",
        "科室": "department",
    }
)


def parse_level(value):
    key = str(value).strip()
    if key not in LEVEL_BY_LABEL:
        raise ValueError(_("unknown level “%(v)s”") % {"v": key})
    return LEVEL_BY_LABEL[key]


def parse_bool(value):
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "是", "y", "启用"}:
        return True
    if text in {"0", "false", "no", "否", "n", "停用"}:
        return False
    raise ValueError(_("“%(v)s” is not 是/否") % {"v": value})


class OrganisationImporter(Importer):
    """Rows may refer to parents defined earlier in the same sheet (ordered top-down)."""

    columns = [
        ImportColumn("机构代码", "code", required=True, parse=lambda v: str(v).strip()),
        ImportColumn("机构名称", "name", required=True),
        ImportColumn("简称", "short_name"),
        ImportColumn("层级", "level", required=True, parse=parse_level),
        ImportColumn("上级机构代码", "parent_code", parse=lambda v: str(v).strip()),
        ImportColumn("行政区划代码", "region_code", parse=lambda v: str(v).strip()),
        ImportColumn("地址", "address"),
        ImportColumn("电话", "phone", parse=lambda v: str(v).strip()),
    ]
    error_columns = {"parent": "上级机构代码", "level": "层级"}

    def __init__(self, *, actor):
        super().__init__(actor=actor)
        self.seen: dict[str, Organisation] = {}

    def build(self, values, row):
        code = values["code"]
        if code in self.seen:
            raise ValueError(_("code %(code)s appears twice in the file") % {"code": code})
        instance = Organisation.objects.filter(code=code).first() or Organisation(code=code)
        parent = None
        if values.get("parent_code"):
            parent = (
                self.seen.get(values["parent_code"])
                or Organisation.objects.filter(code=values["parent_code"]).first()
            )
            if parent is None:
                raise ValueError(
                    _("parent code %(code)s not found (put parents above their children)")
                    % {"code": values["parent_code"]}
                )
        for key in ("name", "short_name", "level", "region_code", "address", "phone"):
            setattr(instance, key, values.get(key) or "")
        instance.parent = parent
        self.seen[code] = instance
        return instance

    def save(self, instances):
        # Parents come first in the sheet; re-attach parents after they get primary keys.
        for instance in instances:
            if instance.parent is not None and instance.parent.pk is None:
                instance.parent = self.seen[instance.parent.code]
            actions.do_save_object(instance, actor=self.actor)


class UserImporter(Importer):
    columns = [
        ImportColumn("用户名", "username", required=True, parse=lambda v: str(v).strip()),
        ImportColumn("姓名", "full_name", required=True),
        ImportColumn("机构代码", "organisation", required=True, parse=lambda v: str(v).strip()),
        ImportColumn("厂商代码", "vendor", parse=lambda v: str(v).strip()),
        ImportColumn("角色", "roles", required=True),
        ImportColumn("手机", "phone", parse=lambda v: str(v).strip()),
        ImportColumn("邮箱", "email"),
    ]
    error_columns = {"organisation": "机构代码", "vendor": "厂商代码"}

    def __init__(self, *, actor):
        super().__init__(actor=actor)
        self.seen: set[str] = set()
        self.role_map = {}

    def build(self, values, row):
        username = values["username"]
        if username in self.seen:
            raise ValueError(_("username %(u)s appears twice in the file") % {"u": username})
        self.seen.add(username)
        organisation = (
            Organisation.objects.restrict(self.actor).filter(code=values["organisation"]).first()
        )
        if organisation is None:
            raise ValueError(_("organisation code %(c)s not found") % {"c": values["organisation"]})
        vendor = None
        if values.get("vendor"):
            vendor = Vendor.objects.filter(code=values["vendor"]).first()
            if vendor is None:
                raise ValueError(_("vendor code %(c)s not found") % {"c": values["vendor"]})
        names = [
            n.strip()
            for n in str(values["roles"]).replace("，", ",").replace("、", ",").split(",")
            if n.strip()
        ]
        roles = list(Role.objects.filter(name__in=names)) + list(
            Role.objects.filter(code__in=names)
        )
        found = {r.name for r in roles} | {r.code for r in roles}
        unknown = [n for n in names if n not in found]
        if unknown:
            raise ValueError(_("unknown roles: %(r)s") % {"r": "、".join(unknown)})
        user = User.objects.filter(username=username).first() or User(username=username)
        user.full_name = values["full_name"]
        user.organisation = organisation
        user.vendor = vendor
        user.phone = values.get("phone") or ""
        user.email = values.get("email") or ""
        if user.pk is None:
            user.set_unusable_password()
        self.role_map[username] = roles
        return user

    def save(self, instances):
        for user in instances:
            actions.do_save_object(
                user, actor=self.actor, m2m={"roles": self.role_map[user.username]}
            )
