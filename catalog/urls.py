from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("best-sellers/", views.best_sellers, name="best_sellers"),
    path("c/<slug:slug>/", views.category_detail, name="category_detail"),
    path("c/<slug:slug>/<slug:subslug>/", views.subcategory_detail, name="subcategory_detail"),
    path("p/<slug:slug>/", views.product_detail, name="product_detail"),
    path("search/", views.search, name="search"),
    path("search/suggestions/", views.search_suggestions, name="search_suggestions"),
]
