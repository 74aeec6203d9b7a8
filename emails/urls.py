"""The receipt under the market prefix (namespace `emails`), and the email pages among the account
pages (`/accounts/email/…`, in the `accounts` namespace the root URLconf puts together)."""

from django.urls import path

from emails import views

app_name = "emails"

urlpatterns = [
    path("orders/<slug:number>/receipt/", views.order_receipt, name="order_receipt"),
]

account_patterns = [
    path("email/preferences/", views.message_preferences, name="message_preferences"),
    path("email/resend/", views.email_resend, name="email_resend"),
    path("email/verify/<str:token>/", views.email_verify, name="email_verify"),
]
