"""Reviews of what shoppers received: a rating and text per product and delivered order, its
photos, moderation, and "helpful" votes.

Reviews stand on the catalog (what is reviewed) and on checkout (the delivered order that makes a
review a verified purchase), so they live above both; neither imports this app.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from checkout.models import Order
from storefront.media import UploadedOrLinkedImage, WithRenditions


class ReviewQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(is_approved=True)

    def pending(self):
        """Waiting for a moderator: neither approved nor rejected."""
        return self.filter(is_approved=False, is_rejected=False)

    def rejected(self):
        return self.filter(is_rejected=True)

    def from_markets(self, codes):
        """Reviews of orders placed in exactly the markets `codes` (staff scoping); a review without an
        order counts in its product's market (so reviews of ALL products without an order are in none)."""
        return self.filter(
            Q(order__in=Order.objects.in_markets(codes))
            | Q(order__isnull=True, product__in=Product.objects.in_markets(codes))
        )


class Review(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Not published")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reviews"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="reviews")
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.SET_NULL, related_name="reviews", null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    title = models.CharField(_("title"), max_length=150, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    is_verified_purchase = models.BooleanField(_("verified purchase"), default=False)
    is_approved = models.BooleanField(_("approved"), default=False, db_index=True)
    is_rejected = models.BooleanField(_("rejected"), default=False)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="moderated_reviews",
        null=True,
        blank=True,
        verbose_name=_("moderated by"),
    )
    helpful_count = models.PositiveIntegerField(_("found helpful"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
            models.UniqueConstraint(
                fields=["user", "product", "order"],
                condition=Q(order__isnull=False),
                name="review_one_per_product_per_order",
            ),
            models.CheckConstraint(
                condition=~Q(is_approved=True, is_rejected=True), name="review_not_approved_and_rejected"
            ),
        ]
        indexes = [models.Index(fields=["product", "is_approved"], name="review_product_approved_idx")]

    def __str__(self):
        return f"{self.product} — {self.rating}★"

    @property
    def state(self):
        """Where moderation left the review: waiting, published or not published."""
        if self.is_approved:
            return self.State.APPROVED
        if self.is_rejected:
            return self.State.REJECTED
        return self.State.PENDING

    def get_state_display(self):
        return self.State(self.state).label


class ReviewImage(UploadedOrLinkedImage, WithRenditions):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="reviews/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review image")
        verbose_name_plural = _("review images")

    def __str__(self):
        return f"{self.review} image"


class ReviewVote(models.Model):
    """A shopper found a review helpful; `Review.helpful_count` counts these."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="review_votes"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="review_vote_one_per_user")]

    def __str__(self):
        return f"{self.user} → {self.review}"
