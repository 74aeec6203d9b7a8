"""The reviews section of the product page: the rating summary and a page of approved reviews,
newest or most helpful first, each marked for the shopper's own helpful vote."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.translation import gettext_lazy

from catalog.fragments import kept_until_changed
from catalog.product_page import register_section
from reviews.selectors import mark_votes

REVIEWS_PER_PAGE = 5
REVIEW_SORTS = {
    "newest": (gettext_lazy("Newest"), ("-created_at", "-id")),
    "helpful": (gettext_lazy("Most helpful"), ("-helpful_count", "-created_at", "-id")),
}
DEFAULT_REVIEW_SORT = "newest"


def _reviews_page(request, product, review_total, sort):
    """A page of the product's approved reviews with their photos, each marked `voted` for the shopper."""
    if not review_total:
        # Nothing to read: the empty page, without building the query.
        return Paginator([], REVIEWS_PER_PAGE).get_page(1)
    approved = (
        product.reviews.approved().select_related("user").prefetch_related("images").order_by(*REVIEW_SORTS[sort][1])
    )
    reviews = Paginator(approved, REVIEWS_PER_PAGE)
    reviews.__dict__["count"] = review_total  # known from the summary; saves a COUNT query
    page = reviews.get_page(request.GET.get("reviews"))
    page.object_list = mark_votes(request.user, list(page.object_list))
    return page


def rating_summary(product):
    """{stars: approved reviews} of the product, kept until a merchandiser's next change: every
    review saved or deleted (a moderation among them) moves the shared pages' version."""

    def read():
        rows = product.reviews.approved().values("rating").annotate(n=Count("id"))
        return sorted((row["rating"], row["n"]) for row in rows)

    return dict(kept_until_changed("review-summary", product.pk, read))


def reviews_section(request, product) -> dict:
    summary = rating_summary(product)
    review_total = sum(summary.values())
    # The average of the reviews counted here, so the stars shown and in JSON-LD agree with the count.
    rating = Decimal(sum(stars * n for stars, n in summary.items())) / review_total if review_total else None
    review_sort = request.GET.get("reviews_sort")
    if review_sort not in REVIEW_SORTS:
        review_sort = DEFAULT_REVIEW_SORT
    return {
        "rating_rows": [(stars, summary.get(stars, 0)) for stars in range(5, 0, -1)],
        "review_total": review_total,
        "rating": rating,
        "reviews_page": _reviews_page(request, product, review_total, review_sort),
        "review_sort": review_sort,
        "review_sorts": [(key, label) for key, (label, _order) in REVIEW_SORTS.items()],
    }


register_section(template="reviews/_product_reviews.html", context=reviews_section)
