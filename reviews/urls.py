"""Review pages: writing one and voting under the market prefix (namespace `reviews`), and the
shopper's own reviews among their account pages (`/accounts/reviews/`, in the `accounts` namespace,
which the root URLconf puts together from both apps)."""

from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("orders/<slug:number>/review/<int:product_id>/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/helpful/", views.review_helpful, name="review_helpful"),
]

account_patterns = [
    path("reviews/", views.review_list, name="review_list"),
]
