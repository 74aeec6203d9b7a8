import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """The moved models keep their content types, and with them the groups' permissions and the
    admin's history: catalog's rows are relabelled, unless reviews' already exist."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("review", "reviewimage", "reviewvote"):
        if not ContentType.objects.filter(app_label="reviews", model=model).exists():
            ContentType.objects.filter(app_label="catalog", model=model).update(app_label="reviews")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("review", "reviewimage", "reviewvote"):
        if not ContentType.objects.filter(app_label="catalog", model=model).exists():
            ContentType.objects.filter(app_label="reviews", model=model).update(app_label="catalog")


class Migration(migrations.Migration):
    """Takes over the review tables catalog.0007 renamed: the models enter this app's state, rows stay."""

    initial = True

    dependencies = [
        ("catalog", "0007_reviews_move_to_their_own_app"),
        ("checkout", "0004_state_sales_tax_rates"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Review",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "rating",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(5),
                                ],
                                verbose_name="rating",
                            ),
                        ),
                        ("title", models.CharField(blank=True, max_length=150, verbose_name="title")),
                        ("comment", models.TextField(blank=True, verbose_name="comment")),
                        ("is_verified_purchase", models.BooleanField(default=False, verbose_name="verified purchase")),
                        ("is_approved", models.BooleanField(db_index=True, default=False, verbose_name="approved")),
                        ("is_rejected", models.BooleanField(default=False, verbose_name="rejected")),
                        ("moderated_at", models.DateTimeField(blank=True, null=True, verbose_name="moderated at")),
                        ("helpful_count", models.PositiveIntegerField(default=0, verbose_name="found helpful")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "moderated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="moderated_reviews",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="moderated by",
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="reviews",
                                to="checkout.order",
                            ),
                        ),
                        (
                            "product",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reviews",
                                to="catalog.product",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reviews",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "review",
                        "verbose_name_plural": "reviews",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="ReviewImage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "image_url",
                            models.URLField(
                                blank=True,
                                help_text="Leave empty when you upload an image.",
                                max_length=500,
                                verbose_name="image URL",
                            ),
                        ),
                        ("image", models.ImageField(blank=True, upload_to="reviews/", verbose_name="image")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="images", to="reviews.review"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "review image",
                        "verbose_name_plural": "review images",
                    },
                ),
                migrations.CreateModel(
                    name="ReviewVote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="votes", to="reviews.review"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_votes",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "helpful vote",
                        "verbose_name_plural": "helpful votes",
                    },
                ),
                migrations.AddIndex(
                    model_name="review",
                    index=models.Index(fields=["product", "is_approved"], name="review_product_approved_idx"),
                ),
                migrations.AddConstraint(
                    model_name="review",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("rating__gte", 1), ("rating__lte", 5)), name="review_rating_1_to_5"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="review",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("order__isnull", False)),
                        fields=("user", "product", "order"),
                        name="review_one_per_product_per_order",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="review",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("is_approved", True), ("is_rejected", True), _negated=True),
                        name="review_not_approved_and_rejected",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reviewvote",
                    constraint=models.UniqueConstraint(fields=("review", "user"), name="review_vote_one_per_user"),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
