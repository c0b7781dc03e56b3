import factory
from factory.django import DjangoModelFactory

from yunwei.cmdb.choices import (
    Counterparty,
    DatabaseEngine,
    DatabaseRole,
    Environment,
    MiddlewareKind,
)
from yunwei.cmdb.models import Contact, DatabaseInstance, Host, Interface, Middleware, System
from yunwei.core.tests.factories import OrganisationFactory


class SystemFactory(DjangoModelFactory):
    class Meta:
        model = System
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"SYS-{n:03d}")
    name = factory.Sequence(lambda n: f"测试系统{n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def vendors(self, create, extracted, **kwargs):
        if create and extracted:
            self.vendors.set(extracted)


class HostFactory(DjangoModelFactory):
    class Meta:
        model = Host

    system = factory.SubFactory(SystemFactory)
    hostname = factory.Sequence(lambda n: f"host-{n:03d}")
    ip_address = factory.Sequence(lambda n: f"10.16.{n // 250}.{n % 250 + 1}")
    environment = Environment.PRODUCTION
    role = "应用服务器"


class DatabaseInstanceFactory(DjangoModelFactory):
    class Meta:
        model = DatabaseInstance

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"测试库{n}")
    engine = DatabaseEngine.ORACLE
    role = DatabaseRole.CORE
    environment = Environment.PRODUCTION
    port = 1521
    service_name = "ORCL"
    username = "app"


class MiddlewareFactory(DjangoModelFactory):
    class Meta:
        model = Middleware

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"WebLogic {n}")
    kind = MiddlewareKind.WEBLOGIC
    environment = Environment.PRODUCTION
    port = 7001


class InterfaceFactory(DjangoModelFactory):
    class Meta:
        model = Interface

    code = factory.Sequence(lambda n: f"IF-{n:04d}")
    name = factory.Sequence(lambda n: f"测试接口{n}")
    source_system = factory.SubFactory(SystemFactory)
    counterparty = Counterparty.HUMAN_RESOURCES


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = factory.Sequence(lambda n: f"138000{n:05d}")

    @factory.post_generation
    def systems(self, create, extracted, **kwargs):
        if create and extracted:
            self.systems.set(extracted)
