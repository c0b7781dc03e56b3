import factory
from factory.django import DjangoModelFactory

from yunwei.knowledge.models import Category


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"分类{n}")
    parent = None
