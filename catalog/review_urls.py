from django.urls import path

from catalog import review_views

app_name = "reviews"

urlpatterns = [
    path("orders/<slug:number>/review/<int:product_id>/", review_views.review_create, name="review_create"),
    path("reviews/<int:pk>/helpful/", review_views.review_helpful, name="review_helpful"),
]
