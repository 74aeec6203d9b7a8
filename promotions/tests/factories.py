from decimal import Decimal

import factory

from promotions.models import DiscountCode, Sale


class SaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sale

    name = "Spring sale"
    name_ru = "Весенняя распродажа"
    market = "KG"
    kind = Sale.Kind.PERCENT
    value = Decimal("20")


class DiscountCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscountCode

    code = factory.Sequence(lambda n: f"SAVE{n}")
    market = "KG"
    kind = DiscountCode.Kind.PERCENT
    percent = 10
    per_shopper_limit = None
