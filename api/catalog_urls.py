"""Catalog and banner endpoints: products, best sellers, search, categories, banners."""

from django.urls import path

from api import catalog, reviews

urlpatterns = [
    path("products", catalog.product_list, name="product_list"),
    path("products/best-sellers", catalog.best_sellers, name="best_sellers"),
    path("products/search", catalog.product_search, name="product_search"),
    path("products/<slug:slug>", catalog.product_detail, name="product_detail"),
    path("products/<slug:slug>/reviews", reviews.product_reviews, name="product_reviews"),
    path("categories", catalog.category_list, name="category_list"),
    path("categories/<slug:slug>", catalog.category_detail, name="category_detail"),
    path("categories/<slug:slug>/subcategories", catalog.category_subcategories, name="category_subcategories"),
    path("banners", catalog.banner_list, name="banner_list"),
    path("banners/hero", catalog.hero_banners, name="hero_banners"),
    path("banners/promo", catalog.promo_banners, name="promo_banners"),
]
