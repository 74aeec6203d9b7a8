"""The shopper's form: a review of a delivered product."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reviews.photos import CONTENT_TYPES, MAX_PHOTO_MEGABYTES, MAX_PHOTOS
from reviews.services import MAX_COMMENT_LENGTH, MAX_TITLE_LENGTH

INPUT = "w-full rounded border border-neutral-300 px-3 py-2"
RATING_REQUIRED = _("Choose a rating from 1 to 5 stars.")


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files under one name; the list is checked picture by picture by the review service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": CONTENT_TYPES, "class": "text-sm"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(upload, initial) for upload in files if upload]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[
            (5, _("5 stars, excellent")),
            (4, _("4 stars, good")),
            (3, _("3 stars, fair")),
            (2, _("2 stars, poor")),
            (1, _("1 star, very poor")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": RATING_REQUIRED, "invalid_choice": RATING_REQUIRED},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE_LENGTH,
        required=False,
        help_text=_("Sum it up in a few words."),
        widget=forms.TextInput(attrs={"class": INPUT}),
    )
    comment = forms.CharField(
        label=_("Your review"),
        max_length=MAX_COMMENT_LENGTH,
        help_text=_("Fit, fabric, color: what should other shoppers know?"),
        error_messages={"required": _("Tell other shoppers what you think of it.")},
        widget=forms.Textarea(attrs={"rows": 6, "class": INPUT}),
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in per request, in the shopper's language.
        self.fields["photos"].help_text = gettext(
            "Up to %(count)d JPEG, PNG or WebP pictures, %(size)d MB each. "
            "We remove the location and other hidden details from them."
        ) % {"count": MAX_PHOTOS, "size": MAX_PHOTO_MEGABYTES}

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(gettext("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS})
        return photos
