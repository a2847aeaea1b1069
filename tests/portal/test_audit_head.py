"""Appending after the connection's own last entry: a compare-and-set on the head.

Whatever the connection remembers, an entry links to the real head of its
chain: when the head moved (another connection, a rolled-back entry) the
append falls back to reading the head under lock.
"""

import pytest
from django.db import connection, transaction

from portal.audit import audit_record, audit_verify
from portal.models import AuditChainHead, AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain_one():
    connection._audit_chain = 1
    yield 1
    del connection._audit_chain


def _append(user, n: int) -> AuditEntry:
    return audit_record(actor=user, action="t.act", object_type="t", object_id=str(n))


def test_append_after_own_entry_takes_two_statements(
    chain_one, django_assert_num_queries
):
    user = UserFactory(username="auditor")
    first = _append(user, 1)
    with django_assert_num_queries(2):  # move the head, insert the entry
        second = _append(user, 2)
    assert second.prev_hash == first.hash and second.seq == first.seq + 1
    head = AuditChainHead.objects.get(pk=chain_one)
    assert (head.last_seq, head.last_hash) == (second.seq, second.hash)
    assert audit_verify() == (2, None)


def test_entry_rolled_back_is_not_linked_to(chain_one):
    user = UserFactory(username="auditor")
    first = _append(user, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        _append(user, 2)
        raise RuntimeError("the change fails")
    third = _append(user, 3)
    assert third.prev_hash == first.hash and third.seq == first.seq + 1
    assert audit_verify() == (2, None)


def test_head_moved_by_another_connection_is_read_again(chain_one):
    user = UserFactory(username="auditor")
    first = _append(user, 1)
    remembered = connection._audit_head
    second = _append(user, 2)  # as if another connection had appended this
    connection._audit_head = remembered
    third = _append(user, 3)
    assert third.prev_hash == second.hash and third.seq == second.seq + 1
    assert first.seq + 2 == third.seq
    assert audit_verify() == (3, None)


def test_another_chain_is_not_mistaken_for_the_remembered_one(chain_one):
    user = UserFactory(username="auditor")
    _append(user, 1)
    _append(user, 2)
    connection._audit_chain = 2
    other = _append(user, 3)
    assert (other.chain, other.seq, other.prev_hash) == (2, 1, "0" * 64)
    connection._audit_chain = 1
    back = _append(user, 4)
    assert (back.chain, back.seq) == (1, 3)
    assert audit_verify() == (4, None)


def test_a_batch_is_appended_in_one_head_move_and_one_insert(
    chain_one, django_assert_num_queries
):
    from portal.audit import audit_batch

    user = UserFactory(username="auditor")
    first = _append(user, 1)
    with transaction.atomic():
        with django_assert_num_queries(2), audit_batch():  # head move, insert
            second, third = _append(user, 2), _append(user, 3)
            assert second.pk is None  # appended when the batch ends
        assert (second.seq, third.seq) == (first.seq + 1, first.seq + 2)
        assert second.prev_hash == first.hash and third.prev_hash == second.hash
    head = AuditChainHead.objects.get(pk=chain_one)
    assert (head.last_seq, head.last_hash) == (third.seq, third.hash)
    assert audit_verify() == (3, None)


def test_a_failed_batch_appends_nothing(chain_one):
    from portal.audit import audit_batch

    user = UserFactory(username="auditor")
    first = _append(user, 1)
    with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
        _append(user, 2)
        raise RuntimeError("the use case fails")
    assert not AuditEntry.objects.filter(object_id="2").exists()
    after = _append(user, 3)  # outside any batch again
    assert after.prev_hash == first.hash and after.seq == first.seq + 1
    assert audit_verify() == (2, None)


def test_nested_batches_append_with_the_outermost(chain_one):
    from portal.audit import audit_batch

    user = UserFactory(username="auditor")
    with transaction.atomic(), audit_batch():
        _append(user, 1)
        with audit_batch():
            _append(user, 2)
        assert not AuditEntry.objects.exists()
    assert list(
        AuditEntry.objects.order_by("seq").values_list("object_id", flat=True)
    ) == [
        "1",
        "2",
    ]
    assert audit_verify() == (2, None)
