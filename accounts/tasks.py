"""Background work of the accounts app (Django's tasks framework)."""

from django.tasks import task

from accounts import codes


@task
def send_verification_code(verification_id: int) -> bool:
    """Text the code of one VerificationCode row (its code is drawn here, never queued)."""
    return codes.deliver_code(verification_id=verification_id)
