import factory
from factory.django import DjangoModelFactory

from yunwei.core.choices import OrganisationLevel
from yunwei.core.models import Organisation, Role, User, Vendor

TEST_PASSWORD = "Yw-test-Passw0rd"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"1{n:010d}")
    name = factory.Sequence(lambda n: f"测试税务局{n}")
    level = OrganisationLevel.PROVINCE
    parent = None


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor

    code = factory.Sequence(lambda n: f"V{n:03d}")
    name = factory.Sequence(lambda n: f"测试科技有限公司{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            codes = [extracted] if isinstance(extracted, str) else extracted
            self.roles.set(Role.objects.filter(code__in=codes))
