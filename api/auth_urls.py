"""auth/…: sign-in by SMS code, token refresh, sign-out, and the caller's profile."""

from django.urls import path

from api import auth

urlpatterns = [
    path("send-verification", auth.send_verification, name="send_verification"),
    path("verify-code", auth.verify_code, name="verify_code"),
    path("refresh", auth.RefreshView.as_view(), name="token_refresh"),
    path("logout", auth.logout, name="logout"),
    path("profile", auth.auth_profile, name="auth_profile"),
]
