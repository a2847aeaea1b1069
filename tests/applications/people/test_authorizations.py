import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import AgentAuthorization
from applications.selectors_people import active_authorization, authorizations_for_user
from applications.services import people as authorizations
from portal.errors import ServiceError
from portal.models import AuditEntry
from portal.roles import Role
from tests.factories import ServiceItemFactory, UserFactory
from tests.people.factories import in_days

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
STATEMENT = "本人扎西委托代办员办理户籍相关事项，有效期一年。"


def _grant(agent, citizen, **kwargs):
    """The agent's request, then the citizen's confirmation from their account."""
    data = dict(
        agent=agent,
        citizen=citizen,
        valid_until=in_days(30),
        signed_statement=STATEMENT,
    )
    data.update(kwargs)
    pending = authorizations.agent_authorization_request(**data)
    return authorizations.agent_authorization_confirm(
        authorization=pending, citizen=citizen
    )


def _media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_grant_with_statement_is_active(agent, citizen):
    authorization = _grant(agent, citizen)
    assert authorization.signed_at is not None
    assert active_authorization(agent=agent, citizen=citizen) == authorization
    entry = AuditEntry.objects.get(action="agent_authorization.request")
    assert entry.changes["evidence"] == "statement"
    assert "扎西" not in entry.object_repr


@pytest.mark.parametrize(
    ("content", "ext"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg")]
)
def test_grant_with_document_stores_it_under_a_safe_name(
    agent, citizen, settings, content, ext
):
    upload = SimpleUploadedFile("../../etc/授权书 final.exe", content)
    authorization = _grant(agent, citizen, document=upload, signed_statement="")
    name = authorization.document.name
    assert name.startswith("authorizations/") and name.endswith("." + ext)
    assert ".." not in name and "授权书" not in name
    assert authorization.document.read() == content


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (EXE, "document_type"),
        (b"", "document_empty"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "document_too_large"),
    ],
)
def test_bad_documents_are_refused_and_nothing_saved(
    agent, citizen, settings, content, code
):
    upload = SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")
    with pytest.raises(ServiceError) as exc:
        _grant(agent, citizen, document=upload, signed_statement="")
    assert code in {e.code for e in exc.value.errors}
    assert not AgentAuthorization.objects.exists()
    assert _media_files(settings) == []


def test_exactly_ten_megabytes_is_accepted(agent, citizen):
    content = b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5)
    upload = SimpleUploadedFile("scan.pdf", content)
    assert _grant(agent, citizen, document=upload, signed_statement="").document


def test_evidence_is_required(agent, citizen):
    with pytest.raises(ServiceError) as exc:
        _grant(agent, citizen, signed_statement="  ")
    assert exc.value.code == "authorization_evidence_missing"
    assert exc.value.field == "document"
    with pytest.raises(ServiceError) as exc:
        _grant(agent, citizen, signed_statement="同意")
    assert exc.value.code == "statement_too_short"
    assert not AgentAuthorization.objects.exists()


def test_only_agents_can_be_authorised(citizen, other_citizen, clerk):
    with pytest.raises(ServiceError) as exc:
        _grant(other_citizen, citizen)
    assert exc.value.code == "not_agent"
    superuser = UserFactory(username="root", is_superuser=True)
    with pytest.raises(ServiceError) as exc:
        _grant(superuser, citizen)
    assert exc.value.code == "not_agent"
    with pytest.raises(ServiceError) as exc:
        authorizations.agent_authorization_grant(
            citizen=citizen, agent=other_citizen, valid_until=in_days(30)
        )
    assert exc.value.code == "not_agent"
    assert not AgentAuthorization.objects.exists()


def test_paper_recorded_by_a_clerk_only(agent, citizen, clerk, other_citizen):
    def paper(actor):
        return authorizations.agent_authorization_record_paper(
            clerk=actor,
            agent=agent,
            citizen=citizen,
            valid_until=in_days(30),
            document=SimpleUploadedFile("scan.pdf", PDF),
        )

    for not_a_clerk in (other_citizen, agent):
        with pytest.raises(ServiceError) as exc:
            paper(not_a_clerk)
        assert exc.value.code == "grant_forbidden"
    authorization = paper(clerk)
    assert AuditEntry.objects.get(action="agent_authorization.grant").actor == clerk
    assert authorization.agent == agent
    assert authorization.witnessed_by == clerk


def test_citizen_must_be_registered_and_not_the_agent(agent):
    stranger = UserFactory(username="stranger")
    with pytest.raises(ServiceError) as exc:
        _grant(agent, stranger)
    assert exc.value.code == "citizen_not_registered"
    with pytest.raises(ServiceError) as exc:
        _grant(agent, agent)
    assert exc.value.code == "citizen_is_agent"


def test_valid_until_in_the_past_is_refused(agent, citizen):
    with pytest.raises(ServiceError) as exc:
        _grant(agent, citizen, valid_until=in_days(-1))
    assert exc.value.code == "valid_until_past"
    assert _grant(agent, citizen, valid_until=in_days(0))


def test_expired_is_not_active(agent, citizen):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        authorization = _grant(agent, citizen, valid_until=dt.date(2026, 3, 31))
    with time_machine.travel(dt.datetime(2026, 3, 31, 15, tzinfo=dt.UTC)):
        # 23:00 in Ganzi (UTC+8) on the last valid day: still active.
        assert active_authorization(agent=agent, citizen=citizen) == authorization
    with time_machine.travel(dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC)):
        # 00:30 on 1 April local time: expired.
        assert active_authorization(agent=agent, citizen=citizen) is None


def test_revoked_stops_at_once_and_only_the_citizen_revokes(
    agent, citizen, other_citizen
):
    authorization = _grant(agent, citizen)
    with pytest.raises(ServiceError) as exc:
        authorizations.agent_authorization_revoke(authorization=authorization, by=agent)
    assert exc.value.code == "revoke_forbidden"
    with pytest.raises(ServiceError) as exc:
        authorizations.agent_authorization_revoke(
            authorization=authorization, by=other_citizen
        )
    assert exc.value.status == 404
    assert active_authorization(agent=agent, citizen=citizen) == authorization

    authorizations.agent_authorization_revoke(authorization=authorization, by=citizen)
    authorization.refresh_from_db()
    assert authorization.revoked_by == citizen
    assert active_authorization(agent=agent, citizen=citizen) is None
    with pytest.raises(ServiceError) as exc:
        authorizations.agent_authorization_revoke(
            authorization=authorization, by=citizen
        )
    assert exc.value.code == "authorization_already_revoked"
    assert AuditEntry.objects.filter(action="agent_authorization.revoke").count() == 1


def test_supervisor_may_revoke(agent, citizen, supervisor):
    authorization = _grant(agent, citizen)
    authorizations.agent_authorization_revoke(
        authorization=authorization, by=supervisor
    )
    assert active_authorization(agent=agent, citizen=citizen) is None


def test_item_scope(agent, citizen):
    item_a = ServiceItemFactory()
    item_b = ServiceItemFactory()
    specific = _grant(agent, citizen, item=item_a)
    assert active_authorization(agent=agent, citizen=citizen, item=item_a) == specific
    assert active_authorization(agent=agent, citizen=citizen, item=item_b) is None
    assert active_authorization(agent=agent, citizen=citizen) is None
    blank = _grant(agent, citizen)
    assert active_authorization(agent=agent, citizen=citizen, item=item_b) == blank
    # The item-specific one wins where both apply.
    assert active_authorization(agent=agent, citizen=citizen, item=item_a) == specific


def test_agent_role_taken_away_stops_authorisation(agent, citizen):
    _grant(agent, citizen)
    agent.groups.remove(Group.objects.get(name=Role.AGENT))
    assert active_authorization(agent=agent, citizen=citizen) is None


def test_other_agent_is_not_authorised(agent, citizen):
    from tests.factories import staff

    _grant(agent, citizen)
    other_agent = staff("agent-2", Role.AGENT)
    assert active_authorization(agent=other_agent, citizen=citizen) is None


def test_authorizations_for_user(agent, citizen, other_citizen, clerk):
    mine = _grant(agent, citizen)
    theirs = _grant(agent, other_citizen)
    assert list(authorizations_for_user(user=citizen)) == [mine]
    assert set(authorizations_for_user(user=agent)) == {mine, theirs}
    assert not authorizations_for_user(user=clerk).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not authorizations_for_user(user=AnonymousUser()).exists()
