"""Guesses arriving at the same time: the database, not the session, counts the tries.

Each guess runs in its own thread with its own connection and real transactions. On SQLite,
whose writers take turns, the same guesses run one after another (the rule is the same; the
parallel run needs PostgreSQL, which CI uses).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection

from accounts import codes
from accounts.models import VerificationCode
from accounts.tests.conftest import code_in
from accounts.tests.factories import KGUserFactory

# serialized_rollback keeps the rows migrations create (roles, exchange rates) for later tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SESSION = "session-key-of-the-shopper-0001"
GUESSES = 30


def parallel():
    return connection.vendor == "postgresql"


def run_guesses(verification, guesses):
    """Submit every guess (at once on PostgreSQL); the outcome of each: 'accepted' or a reason."""
    workers = len(guesses) if parallel() else 1
    start = threading.Barrier(workers)

    def attempt(guess):
        try:
            if workers > 1:
                start.wait(timeout=30)
            codes.verify_code(verification_id=verification.pk, session_key=SESSION, code=guess)
            return "accepted"
        except codes.CodeRejected as exc:
            return exc.reason
        finally:
            if workers > 1:
                connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(attempt, guesses))


@pytest.fixture
def sent_code(sms_outbox):
    user = KGUserFactory()
    verification = codes.issue_code(phone=user.phone, session_key=SESSION, ip_address="203.0.113.7")
    return verification, code_in(sms_outbox[-1])


@pytest.fixture
def evaluations():
    """Counts how many guesses are actually compared with the stored hash."""
    compared = []
    real = codes.code_matches

    def counting(*args, **kwargs):
        compared.append(1)
        return real(*args, **kwargs)

    with mock.patch.object(codes, "code_matches", side_effect=counting):
        yield compared


def other_than(code, n):
    return f"{(int(code) + 1 + n) % 1_000_000:06d}"


def test_thirty_parallel_wrong_guesses_are_evaluated_at_most_three_times(sent_code, evaluations):
    verification, code = sent_code
    outcomes = run_guesses(verification, [other_than(code, n) for n in range(GUESSES)])
    assert len(evaluations) <= 3
    assert "accepted" not in outcomes
    assert outcomes.count(codes.CodeRejected.WRONG) <= 2
    verification.refresh_from_db()
    assert verification.attempts == 3
    with pytest.raises(codes.CodeRejected) as e:
        codes.verify_code(verification_id=verification.pk, session_key=SESSION, code=code)
    assert e.value.reason == codes.CodeRejected.TOO_MANY_TRIES


def test_parallel_right_answers_sign_in_once(sent_code):
    verification, code = sent_code
    outcomes = run_guesses(verification, [code] * 10)
    assert outcomes.count("accepted") == 1
    assert set(outcomes) - {"accepted"} <= {codes.CodeRejected.USED, codes.CodeRejected.TOO_MANY_TRIES}
    assert VerificationCode.objects.get(pk=verification.pk).is_used


def test_the_limit_on_tries_holds_when_sequential_too(sent_code, evaluations):
    verification, code = sent_code
    for n in range(GUESSES):
        with pytest.raises(codes.CodeRejected):
            codes.verify_code(verification_id=verification.pk, session_key=SESSION, code=other_than(code, n))
    assert len(evaluations) == 3
