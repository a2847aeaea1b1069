import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.audit import audit_record, audit_verify
from portal.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _chain(n=5):
    user = UserFactory(username="auditor")
    return [
        audit_record(
            actor=user,
            action="test.act",
            object_type="thing",
            object_id=str(i),
            changes={"n": i, "名称": "测试"},
            source_ip="10.1.2.3",
        )
        for i in range(n)
    ]


def test_chain_links_each_entry_to_the_previous():
    entries = _chain()
    assert entries[0].prev_hash == "0" * 64
    for prev, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == prev.hash
        assert entry.seq == prev.seq + 1
    assert audit_verify() == (5, None)
    call_command("verify_audit")


def test_model_refuses_update_and_delete():
    entry = _chain(1)[0]
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_database_trigger_refuses_update():
    entry = _chain(1)[0]
    from django.db import transaction

    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")


def _tamper(sql, params):
    # A superuser can still switch triggers off for the session; the hash chain
    # is what catches that.
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        cur.execute("SET session_replication_role = DEFAULT")


def test_verify_audit_finds_tampered_entry():
    entries = _chain()
    _tamper(
        "UPDATE portal_auditentry SET changes = %s WHERE id = %s",
        ['{"n": 999}', entries[2].pk],
    )
    checked, broken = audit_verify()
    assert checked == 2
    assert broken.seq == entries[2].seq
    with pytest.raises(CommandError, match=f"#{entries[2].seq}"):
        call_command("verify_audit")


def test_verify_audit_finds_deleted_entry():
    entries = _chain()
    _tamper("DELETE FROM portal_auditentry WHERE id = %s", [entries[1].pk])
    _, broken = audit_verify()
    assert broken.seq == entries[1].seq
    assert "missing" in broken.reason


def test_verify_audit_finds_truncated_tail():
    entries = _chain()
    _tamper("DELETE FROM portal_auditentry WHERE id = %s", [entries[-1].pk])
    _, broken = audit_verify()
    assert broken is not None


def test_chains_are_verified_independently():
    conn = connection
    user = UserFactory(username="auditor2")
    conn._audit_chain = 1
    first = [
        audit_record(actor=user, action="a", object_type="t", object_id="1")
        for _ in range(3)
    ]
    conn._audit_chain = 2
    second = [
        audit_record(actor=user, action="b", object_type="t", object_id="2")
        for _ in range(2)
    ]
    del conn._audit_chain
    assert {e.chain for e in first} == {1} and {e.chain for e in second} == {2}
    assert second[0].seq == 1 and second[0].prev_hash == "0" * 64
    assert audit_verify() == (5, None)
    _tamper(
        "UPDATE portal_auditentry SET action = 'forged' WHERE id = %s", [second[1].pk]
    )
    _, broken = audit_verify()
    assert (broken.chain, broken.seq) == (2, 2)
