from django import template

from emails.forms import PreferencesForm
from emails.preferences import preferences_for

register = template.Library()


@register.inclusion_tag("emails/_profile_messages.html", takes_context=True)
def message_settings(context):
    """The profile's email status (verified or not, with a resend button) and message preferences."""
    user = context["request"].user
    preferences = preferences_for(user)
    form = PreferencesForm(initial={field: getattr(preferences, field) for field in PreferencesForm.base_fields})
    return {
        "user": user,
        "email_verified": preferences.email_verified_for(user.email),
        "form": form,
        "csrf_token": context.get("csrf_token"),
    }
