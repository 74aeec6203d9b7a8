"""Writing a review, moderating it, keeping the product's rating, and helpful votes.

A shopper reviews a product of one of their own delivered orders, once per product and order; the
review waits for a moderator. Approving, rejecting or deleting reviews recomputes each product's
`rating` and `reviews_count` from its approved reviews in the same transaction, with the product
rows locked, so two moderators acting at once never leave a stale average. Reviews are about what
an order delivered, so this app reads checkout's orders (checkout never imports it).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from reviews.models import Review, ReviewImage, ReviewVote
from reviews.photos import PhotoRefused, clean_photos
from reviews.selectors import delivered_orders
from storefront import page_cache
from storefront.background import exclusive
from storefront.errors import Refused
from storefront.renditions import queue_renditions, stored_renditions_of

RATINGS = (1, 2, 3, 4, 5)
MAX_TITLE_LENGTH = Review._meta.get_field("title").max_length
MAX_COMMENT_LENGTH = 5000
TWO_PLACES = Decimal("0.01")


class ReviewRefused(Refused):
    """A review, a vote or a moderation that cannot happen; `message` says why to a person, `field`
    names the form field it is about (None for the whole form)."""

    code = "review_refused"

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SubmittedReview:
    review: Review
    location_removed: bool


# --- writing a review ---------------------------------------------------------------------------


def check_can_review(*, user, order, product):
    """Raise ReviewRefused unless `user` may review `product` from `order` now."""
    if order.user_id != user.pk:
        raise ReviewRefused(_("This order is not one of yours."))
    if not delivered_orders(user).filter(pk=order.pk).exists():
        raise ReviewRefused(_("You can review a product once its order is delivered."))
    if not order.items.filter(product=product).exists():
        raise ReviewRefused(_("This product is not in that order."))
    if Review.objects.filter(user=user, product=product, order=order).exists():
        raise ReviewRefused(_("You have already reviewed this product from this order."))


def _valid_rating(rating):
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = None
    if value not in RATINGS or str(rating).strip() != str(value):
        raise ReviewRefused(_("Choose a rating from 1 to 5 stars."), field="rating")
    return value


def _forget_files(names):
    storage = ReviewImage._meta.get_field("image").storage
    # Their smaller copies go with them (a reported photo must leave the storage whole).
    copies = [copy for name in names for copy in stored_renditions_of(name, storage)]
    for stored in [*names, *copies]:
        storage.delete(stored)


def forget_photo_files(names: Iterable[str]):
    """Delete these stored review photos once the transaction that removed their rows commits."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: _forget_files(names))


def submit_review(*, user, order, product, rating, title="", comment="", photos: Sequence = ()) -> SubmittedReview:
    """A verified-purchase review waiting for approval, with its photos cleaned and stored, or
    ReviewRefused (nothing stored). One per user, product and order, also when two submits race."""
    check_can_review(user=user, order=order, product=product)
    rating = _valid_rating(rating)
    title, comment = (title or "").strip(), (comment or "").strip()
    if len(title) > MAX_TITLE_LENGTH:
        raise ReviewRefused(_("Keep the title under %(n)d characters.") % {"n": MAX_TITLE_LENGTH}, field="title")
    if not comment:
        raise ReviewRefused(_("Tell other shoppers what you think of it."), field="comment")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ReviewRefused(_("Keep your review under %(n)d characters.") % {"n": MAX_COMMENT_LENGTH}, field="comment")
    try:
        cleaned = clean_photos(photos)
    except PhotoRefused as error:
        raise ReviewRefused(error.message, field="photos") from error

    stored = []
    try:
        with transaction.atomic():
            review = Review.objects.create(
                user=user,
                product=product,
                order=order,
                rating=rating,
                title=title,
                comment=comment,
                is_verified_purchase=True,
            )
            for photo in cleaned:
                picture = ReviewImage(review=review)
                picture.image.save(photo.content.name, photo.content, save=False)
                stored.append(picture.image.name)
                picture.save()
                queue_renditions(picture)
    except IntegrityError as error:
        _forget_files(stored)
        raise ReviewRefused(_("You have already reviewed this product from this order.")) from error
    except Exception:
        _forget_files(stored)
        raise
    return SubmittedReview(review=review, location_removed=any(photo.had_location for photo in cleaned))


# --- moderation and the product's rating --------------------------------------------------------


def average_rating(total, count) -> Decimal:
    """The mean of `count` ratings summing to `total`, half-up to two places (0 without any)."""
    if not count:
        return Decimal("0")
    return (Decimal(total) / Decimal(count)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _lock_products(product_ids):
    # Key order, so moderators locking overlapping products never deadlock.
    return list(
        Product.objects.select_for_update()
        .filter(pk__in=product_ids)
        .order_by("pk")
        .only("pk", "rating", "reviews_count")
    )


def _set_ratings(products):
    """Write rating and reviews_count of the (locked) `products` from their approved reviews."""
    totals = {
        row["product_id"]: (row["total"], row["count"])
        for row in Review.objects.approved()
        .filter(product_id__in=[product.pk for product in products])
        .order_by()
        .values("product_id")
        .annotate(total=Sum("rating"), count=Count("id"))
    }
    changed = []
    for product in products:
        total, count = totals.get(product.pk, (0, 0))
        rating = average_rating(total, count)
        if product.rating != rating or product.reviews_count != count:
            product.rating, product.reviews_count = rating, count
            changed.append(product)
    Product.objects.bulk_update(changed, ["rating", "reviews_count"])
    return len(changed)


def refresh_product_ratings(*, product_ids: Iterable[int]) -> int:
    """Lock these products and set their rating and reviews_count from the approved reviews;
    returns how many changed."""
    with transaction.atomic():
        return _set_ratings(_lock_products(set(product_ids)))


@dataclass(frozen=True)
class RatingsRecount:
    checked: int
    changed: int


def recompute_all_ratings(*, batch_size: int = 500) -> RatingsRecount:
    """Set every product's rating and review count from its approved reviews, `batch_size` products
    locked at a time so a large catalog is never locked as a whole; how many were checked and stale.

    One run at a time: a second, started meanwhile, checks nothing (the result would be the same).
    """
    checked = changed = 0
    with exclusive("reviews.recompute_all_ratings") as ours:
        if not ours:
            return RatingsRecount(checked=0, changed=0)
        last_pk = 0
        while True:
            after = Product.objects.filter(pk__gt=last_pk).order_by("pk")
            batch = list(after.values_list("pk", flat=True)[:batch_size])
            if not batch:
                break
            changed += refresh_product_ratings(product_ids=batch)
            checked += len(batch)
            last_pk = batch[-1]
    return RatingsRecount(checked=checked, changed=changed)


def _moderate(review_ids, *, approve, by):
    ids = list(review_ids)
    now = timezone.now()
    with transaction.atomic():
        products = _lock_products(set(Review.objects.filter(pk__in=ids).values_list("product_id", flat=True)))
        changed = (
            Review.objects.filter(pk__in=ids)
            .exclude(is_approved=approve, is_rejected=not approve)
            .update(is_approved=approve, is_rejected=not approve, moderated_at=now, moderated_by=by, updated_at=now)
        )
        _set_ratings(products)
        # The ratings and reviews shown on the shared product pages change with it.
        page_cache.invalidate()
    return changed


def approve_reviews(*, review_ids: Iterable[int], by) -> int:
    """Publish these reviews and update their products' ratings at once; returns how many changed."""
    return _moderate(review_ids, approve=True, by=by)


def reject_reviews(*, review_ids: Iterable[int], by) -> int:
    """Keep these reviews off the shop (taking back any that were published) and update the ratings."""
    return _moderate(review_ids, approve=False, by=by)


def delete_reviews(*, review_ids: Iterable[int]) -> int:
    """Delete these reviews with their photos and update their products' ratings at once."""
    ids = list(review_ids)
    with transaction.atomic():
        reviews = Review.objects.filter(pk__in=ids)
        products = _lock_products(set(reviews.values_list("product_id", flat=True)))
        files = list(ReviewImage.objects.filter(review_id__in=ids).exclude(image="").values_list("image", flat=True))
        _total, deleted = reviews.delete()
        _set_ratings(products)
        forget_photo_files(files)
    return deleted.get(Review._meta.label, 0)


# --- helpful votes ------------------------------------------------------------------------------


def mark_helpful(*, user, review) -> bool:
    """Count the user's "helpful" vote on a published review once; False when they had voted already."""
    if not review.is_approved:
        raise ReviewRefused(_("This review is not published."))
    if review.user_id == user.pk:
        raise ReviewRefused(_("You cannot vote for your own review."))
    try:
        with transaction.atomic():
            ReviewVote.objects.create(review=review, user=user)
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    except IntegrityError:
        return False
    finally:
        review.refresh_from_db(fields=["helpful_count"])
    return True
