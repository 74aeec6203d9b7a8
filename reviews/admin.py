"""Moderating reviews: merchandisers see and decide every review, a market manager those of the
markets assigned to them (a review's market is its order's). Decisions go through reviews.services,
so the product's rating follows at once."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import oversees_every_market
from reviews.models import Review, ReviewImage
from reviews.services import approve_reviews, delete_reviews, forget_photo_files, reject_reviews
from storefront.admin_site import SelectRelatedInline
from storefront.markets import Market
from storefront.media import ADMIN_THUMBNAIL_WIDTH
from storefront.media import image_preview as sized_preview
from storefront.renditions import queue_renditions

REVIEW_PHOTO_WIDTH = 240


def image_preview(url, alt):
    return sized_preview(url, alt, width=ADMIN_THUMBNAIL_WIDTH)


class ReviewImageInline(SelectRelatedInline):
    """The photos of a review, previewed; they come only from the shopper, so staff can only remove them."""

    model = ReviewImage
    related = ("review__product",)
    fields = ("preview", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("preview"))
    def preview(self, picture):
        return sized_preview(picture.picture_url, _("Picture from a review"), width=REVIEW_PHOTO_WIDTH)


def review_markets(request):
    """The markets whose reviews the staff user moderates, read once per request; None for all of them.

    Superusers and merchandisers moderate every review; a market manager only those of the markets
    assigned to them (a review's market is its order's).
    """
    if not hasattr(request, "_review_markets"):
        user = request.user
        if oversees_every_market(user):
            request._review_markets = None
        else:
            request._review_markets = user.managed_market_codes
    return request._review_markets


class ReviewStateFilter(admin.SimpleListFilter):
    title = _("moderation state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Review.State.choices

    def queryset(self, request, queryset):
        states = {
            Review.State.PENDING: queryset.pending,
            Review.State.APPROVED: queryset.approved,
            Review.State.REJECTED: queryset.rejected,
        }
        return states[self.value()]() if self.value() in states else queryset


class ReviewMarketFilter(admin.SimpleListFilter):
    """Market filter offering the markets the user moderates (none when there is one)."""

    title = _("market")
    parameter_name = "market"

    def lookups(self, request, model_admin):
        codes = review_markets(request)
        codes = Market.values if codes is None else codes
        if len(codes) < 2:
            return []
        return [(code, Market(code).label) for code in codes]

    def queryset(self, request, queryset):
        if self.value() in Market.values:
            return queryset.from_markets([self.value()])
        return queryset


class ReviewAdminForm(forms.ModelForm):
    """What the shopper wrote, with the moderator's decision, which goes through reviews.services."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[
            ("", _("Keep as it is")),
            ("approve", _("Approve: publish it")),
            ("reject", _("Reject: keep it off the shop")),
        ],
        help_text=_("The product's rating and review count follow at once."),
    )

    class Meta:
        model = Review
        fields = ("title", "comment")


@admin.action(description=_("Approve selected reviews"), permissions=["change"])
def approve_selected(modeladmin, request, queryset):
    changed = approve_reviews(review_ids=list(queryset.values_list("pk", flat=True)), by=request.user)
    message = ngettext("%(n)d review approved.", "%(n)d reviews approved.", changed) % {"n": changed}
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.action(description=_("Reject selected reviews"), permissions=["change"])
def reject_selected(modeladmin, request, queryset):
    changed = reject_reviews(review_ids=list(queryset.values_list("pk", flat=True)), by=request.user)
    message = ngettext("%(n)d review rejected.", "%(n)d reviews rejected.", changed) % {"n": changed}
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewAdminForm
    list_display = (
        "product",
        "user",
        "rating",
        "title",
        "state",
        "is_verified_purchase",
        "market",
        "photos",
        "created_at",
    )
    list_filter = (ReviewStateFilter, ReviewMarketFilter, "rating", "is_verified_purchase", "created_at")
    list_select_related = ("product", "user", "order")
    list_per_page = 50
    search_fields = ("product__name", "user__phone", "=order__order_number", "title", "comment")
    date_hierarchy = "created_at"
    actions = (approve_selected, reject_selected)
    inlines = (ReviewImageInline,)
    # What the shopper bought and rated stays theirs; staff moderate it (and may tidy the text).
    readonly_fields = (
        "product",
        "user",
        "order",
        "market",
        "rating",
        "is_verified_purchase",
        "state",
        "moderated_at",
        "moderated_by",
        "helpful_count",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("product", "user", "order", "market", "is_verified_purchase", "created_at")}),
        (_("Review"), {"fields": ("rating", "title", "comment", "helpful_count")}),
        (_("Moderation"), {"fields": ("state", "moderated_at", "moderated_by", "updated_at")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("images")
        markets = review_markets(request)
        return queryset if markets is None else queryset.from_markets(markets)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        return ((_("Decision"), {"fields": ("decision",)}), *fieldsets)

    def has_add_permission(self, request):
        # Reviews are written by shoppers about what their orders delivered.
        return False

    def save_model(self, request, obj, form, change):
        # Only the text staff may tidy is written here, so a decision taken meanwhile is never undone.
        edited = [name for name in ("title", "comment") if name in form.changed_data]
        if edited:
            obj.save(update_fields=[*edited, "updated_at"])
        decision = form.cleaned_data.get("decision")
        if decision == "approve":
            approve_reviews(review_ids=[obj.pk], by=request.user)
        elif decision == "reject":
            reject_reviews(review_ids=[obj.pk], by=request.user)
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # A photo staff removed leaves the storage too (it may be why the review was reported).
        forget_photo_files(picture.image.name for picture in formset.deleted_objects if picture.image)
        for picture in [*formset.new_objects, *(changed for changed, _fields in formset.changed_objects)]:
            queue_renditions(picture)

    def delete_model(self, request, obj):
        delete_reviews(review_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        delete_reviews(review_ids=list(queryset.values_list("pk", flat=True)))

    @admin.display(description=_("moderation state"))
    def state(self, review):
        return review.get_state_display()

    @admin.display(description=_("market"))
    def market(self, review):
        # A review's market is its order's; one without an order is its product's.
        return review.order.get_market_display() if review.order_id else review.product.get_market_display()

    @admin.display(description=_("photos"))
    def photos(self, review):
        pictures = list(review.images.all())
        if not pictures:
            return "—"
        return format_html_join(
            " ", "{}", ((image_preview(picture.picture_url, _("Picture from a review")),) for picture in pictures)
        )
