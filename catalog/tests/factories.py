from decimal import Decimal

import factory

from catalog.models import SKU, Category, Product, ProductFeature, ProductImage, Subcategory
from catalog.search_index import SEARCH_FIELDS, refresh_search_vectors


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    market = "ALL"


class SubcategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subcategory

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Subcategory {n}")
    slug = factory.Sequence(lambda n: f"subcategory-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Linen Shirt {n}")
    slug = factory.Sequence(lambda n: f"linen-shirt-{n}")
    brand = "Atelier Nord"
    description = "A relaxed shirt in washed linen."
    market = "KG"
    category = factory.SubFactory(CategoryFactory)
    subcategory = factory.SubFactory(SubcategoryFactory, category=factory.SelfAttribute("..category"))
    price = Decimal("2990.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        product = super()._create(model_class, *args, **kwargs)
        # A test's transaction never commits, so the save's on-commit refresh of the search columns
        # never runs: build them as it would have, and load them, so a later save() keeps them.
        if refresh_search_vectors([product.pk]):
            product.refresh_from_db(fields=SEARCH_FIELDS)
        return product


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image_url = "https://cdn.example.com/p.jpg"


class ProductFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductFeature

    product = factory.SubFactory(ProductFactory)
    feature_text = "100% linen"


class SKUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SKU

    product = factory.SubFactory(ProductFactory)
    sku_code = factory.Sequence(lambda n: f"SKU-{n:06d}")
    size = factory.Iterator(["S", "M", "L", "XL"])
    color = factory.Sequence(lambda n: f"Color {n}")
    price = factory.SelfAttribute("product.price")
    stock = 10

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        sku = super()._create(model_class, *args, **kwargs)
        # Its color is part of the product's search columns (see ProductFactory._create).
        refresh_search_vectors([sku.product_id])
        return sku
