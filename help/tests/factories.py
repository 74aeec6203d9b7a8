import factory

from help.models import HelpPage


class HelpPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpPage

    kind = HelpPage.Kind.DELIVERY
    slug = factory.LazyAttribute(lambda page: page.kind)
    market = "ALL"
    title = "Delivery"
    title_ru = "Доставка"
    title_ky = "Жеткирүү"
    body = "We deliver everywhere.\n\nSecond paragraph."
    body_ru = "Доставляем везде."
    body_ky = "Бардык жерге жеткиребиз."
