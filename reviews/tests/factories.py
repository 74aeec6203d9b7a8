import factory

from catalog.tests.factories import ProductFactory
from reviews.models import Review, ReviewImage


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    user = factory.SubFactory("accounts.tests.factories.KGUserFactory")
    product = factory.SubFactory(ProductFactory)
    rating = 5
    title = "Lovely"
    comment = "Fits well."


class ReviewImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewImage

    review = factory.SubFactory(ReviewFactory)
    image_url = factory.Sequence(lambda n: f"https://cdn.example.com/review-{n}.jpg")
