import factory

from marketing.models import Banner


class BannerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Banner

    title = factory.Sequence(lambda n: f"New season {n}")
    subtitle = "Linen, wool and everything between."
    image_url = "https://cdn.example.com/banner.jpg"
    banner_type = "hero"
    market = "ALL"
    button_text = "Shop now"
    link_url = "/"
