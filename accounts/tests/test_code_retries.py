"""Sign-in codes through the task worker: tried again when the provider surely did not take the text,
never texted twice for one request."""

from unittest import mock

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import codes, tasks
from accounts.models import VerificationCode
from accounts.tests.conftest import code_in
from storefront import sms
from storefront.tests.test_background import DATABASE_BACKEND, run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = "+996555010203"


@pytest.fixture
def database_tasks(settings, sms_outbox):
    settings.TASKS = DATABASE_BACKEND
    return sms_outbox


def ask_for_code():
    with transaction.atomic():
        return codes.issue_code(phone=PHONE, session_key="session-0001", ip_address="203.0.113.7", allow_signup=True)


def provider_failing(times, *, retryable):
    """The console provider, failing its first `times` sends as a provider that could not be reached
    (retryable) or timed out after the request went out (not retryable)."""
    real_send = sms.ConsoleProvider.send
    calls = {"n": 0}

    def send(self, *, phone, text):
        calls["n"] += 1
        if calls["n"] <= times:
            raise sms.SMSError("provider down", retryable=retryable)
        return real_send(self, phone=phone, text=text)

    return mock.patch.object(sms.ConsoleProvider, "send", send)


def run_due_retries():
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_worker()


def test_a_code_the_provider_could_not_take_is_sent_on_the_next_try_once(database_tasks):
    verification = ask_for_code()
    with provider_failing(1, retryable=True):
        run_worker()
        assert database_tasks == []
        verification.refresh_from_db()
        assert verification.code == codes.PENDING and not verification.send_failed
        run_due_retries()

    assert len(database_tasks) == 1
    codes.verify_code(verification_id=verification.pk, session_key="session-0001", code=code_in(database_tasks[0]))
    assert not VerificationCode.objects.get(pk=verification.pk).send_failed


def test_after_the_last_try_the_code_is_marked_failed_for_the_shopper_and_staff(database_tasks):
    verification = ask_for_code()
    with provider_failing(10, retryable=True):
        run_worker()
        for _ in range(tasks.CODE_BACKOFF.attempts - 1):
            run_due_retries()

    assert database_tasks == []
    assert VerificationCode.objects.get(pk=verification.pk).send_failed
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
    assert DBTaskResult.objects.count() == tasks.CODE_BACKOFF.attempts


def test_a_send_that_may_have_gone_out_is_not_tried_again(database_tasks):
    verification = ask_for_code()
    with provider_failing(1, retryable=False):
        run_worker()

    assert VerificationCode.objects.get(pk=verification.pk).send_failed
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_a_code_queued_twice_is_texted_once(database_tasks):
    verification = ask_for_code()
    tasks.send_verification_code.enqueue(verification.pk)

    run_worker()

    assert len(database_tasks) == 1
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
