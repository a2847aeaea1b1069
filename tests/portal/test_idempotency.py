"""portal.idempotency on its own: any record model with the documented shape."""

import pytest

from applications.models import IdempotencyRecord
from portal.errors import ServiceError
from portal.idempotency import request_fingerprint, run_idempotent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _run(user, key, fingerprint, action):
    # The applications' record model; replays are tested through the
    # services and the API (tests/applications/intake).
    return run_idempotent(
        records=IdempotencyRecord,
        result_field="application",
        user=user,
        scope="test",
        key=key,
        fingerprint=fingerprint,
        action=action,
    )


def test_fingerprint_ignores_key_order():
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint(
        {"b": [1, 2], "a": 1}
    )
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


@pytest.mark.parametrize("key", ["", "a b", "x" * 101, "键"])
def test_a_key_a_client_may_not_send_is_refused(key):
    user = UserFactory(username="idem")
    with pytest.raises(ServiceError) as exc:
        _run(user, key, "f", lambda: pytest.fail("must not run"))
    assert exc.value.code == "idempotency_key_invalid"
    assert not IdempotencyRecord.objects.exists()


def test_a_failed_action_frees_the_key():
    user = UserFactory(username="idem")

    def boom():
        raise ServiceError("nope", "不行")

    with pytest.raises(ServiceError):
        _run(user, "k", "f", boom)
    assert not IdempotencyRecord.objects.exists()
    with pytest.raises(ServiceError) as again:  # the key may be used again
        _run(user, "k", "other", boom)
    assert again.value.code == "nope"
