"""Create-and-submit in two SQL statements on PostgreSQL (the API's hot path).

``POST /api/v1/applications/`` with ``"submit": true`` and nothing but form
data is what kiosks and the mobile app send for items that need no papers.
The general path (:func:`applications.services.cases.application_start`)
does it through the ORM in about twenty statements; this module writes
exactly the same rows in two (plus COMMIT), see docs/adr/0005:

1. guard + claim: the implementation still has the version in force (and
   the hall) this process planned with, and the user has a real-name
   profile (read with their contacts for the messages); an application id
   is drawn, the Idempotency-Key claimed for it and the audit chain head
   locked.
2. number + rows: the day's counter is incremented, then the application,
   one row per material, the status change, the two audit entries and the
   chain head, the outbox messages are written; what contains the number
   is finished in this statement. Each CTE reads the rows of the one
   before, so the locks are taken in the general path's order (key, chain
   head, counter) and the two paths never deadlock; the counter row, which
   every submission of the item that day queues on, is locked only from
   here to COMMIT.

Both are prepared once per database connection.

It never decides a refusal. Whenever it cannot tell that the general path
would succeed (another database, materials or an enterprise in the
request, an item with a needed material, form data with a problem, the
key seen before, a changed implementation, no profile, a used-up day,
no chain head yet) it rolls back whatever it did and returns None; the
caller then runs the general path, which gives the answer and the error.
tests/applications/cases/test_submit_fast.py compares the rows and the
API answer of both paths field by field.
"""

from __future__ import annotations

import enum
import functools
import operator
import threading
import time
from dataclasses import dataclass, field

import psycopg2.errors
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from catalog import constants as cc
from catalog.models import Implementation, Material
from people.models import ApplicantProfile, OutboxMessage
from portal.audit import (
    chain_for_connection,
    entry_digest,
    entry_fields,
    entry_payload,
)
from portal.errors import ServiceError
from portal.models import AuditChainHead, AuditEntry
from portal.workdays import add_working_days

from .. import constants as c
from ..form_privacy import form_sealed
from ..models import (
    Application,
    ApplicationCounter,
    ApplicationMaterial,
    IdempotencyRecord,
    StatusChange,
)
from ..selectors import NEEDED, form_errors, form_validator
from .cases import (
    IDEMPOTENCY_KEY_RE,
    MAX_DAILY_SEQUENCE,
    application_number_prefix,
    availability_error,
    check_form_data,
    format_application_number,
    new_query_code,
)
from .notify import EVENTS as NOTIFY_EVENTS
from .notify import contact_recipients, notification_messages, send_after_commit

S = c.ApplicationStatus
# A plan is re-read after this long even while its version is in force, so
# display-only names (department, hall) are never staler than this.
PLAN_TTL_SECONDS = 60
SCOPE = "application_create"


class _FallbackError(Exception):
    """Roll back and let the general path answer."""


@dataclass(frozen=True)
class Plan:
    """What one implementation's version in force needs, read once per process."""

    implementation: Implementation
    version_id: int
    hall_id: int | None
    materials: tuple[Material, ...]
    schema: dict
    validator: object = field(compare=False)


@dataclass
class FastResult:
    """The new application with the rows the response shows."""

    application: Application
    materials: list[ApplicationMaterial]
    history: list[StatusChange]


# code -> (plan or None, when read); None too, so an item that does not
# qualify is not read again on every request. Bounded: codes come from
# requests.
_plans: dict[str, tuple[Plan | None, float]] = {}
_plans_lock = threading.Lock()
PLANS_MAX = 4096


def plans_clear() -> None:
    """Forget every plan (tests; a plan also expires by itself)."""
    with _plans_lock:
        _plans.clear()


def _plan_for(code: str) -> Plan | None:
    cached = _plans.get(code)
    now = time.monotonic()
    if cached is not None and now - cached[1] < PLAN_TTL_SECONDS:
        return cached[0]
    plan = _plan_read(code)
    with _plans_lock:
        if len(_plans) >= PLANS_MAX:
            _plans.clear()
        _plans[code] = (plan, now)
    return plan


def _plan_read(code: str) -> Plan | None:
    """A plan if every submission with form data only could go through."""
    impl = (
        Implementation.objects.select_related(
            "item__current_version", "department", "hall"
        )
        .filter(code=code, is_active=True)
        .order_by()
        .first()
    )
    if availability_error(impl, kind=c.ApplicantKind.NATURAL) is not None:
        return None
    version = impl.item.current_version
    materials = tuple(version.materials.all().order_by("order", "id"))
    if any(m.necessity in NEEDED for m in materials):
        return None
    return Plan(
        implementation=impl,
        version_id=version.pk,
        hall_id=impl.hall_id,
        materials=materials,
        schema=version.form_schema,
        validator=form_validator(version.form_schema),
    )


def _forget(code: str) -> None:
    with _plans_lock:
        _plans.pop(code, None)


# --- SQL ------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _col(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


# Statement 1's parameters, in $-number order, with their types.
_CLAIM_PARAMS = (
    ("user", "bigint"),
    ("impl", "bigint"),
    ("hall", "bigint"),
    ("version", "bigint"),
    ("published", "varchar"),
    ("scope", "varchar"),
    ("key", "varchar"),
    ("fingerprint", "varchar"),
    ("now", "timestamptz"),
    ("chain", "integer"),
)


@functools.cache
def _claim_sql() -> str:
    """Statement 1 (its text depends on the models only), with $n parameters."""
    p = {name: f"${i}::{kind}" for i, (name, kind) in enumerate(_CLAIM_PARAMS, 1)}
    app_seq = f"pg_get_serial_sequence('{Application._meta.db_table}', 'id')"
    impl, item, version = (
        Implementation,
        Implementation._meta.get_field("item").related_model,
        Application._meta.get_field("version").related_model,
    )
    user_model = Application._meta.get_field("applicant").related_model
    idem, head = IdempotencyRecord, AuditChainHead
    return f"""
WITH g AS (
  SELECT u.{_col(user_model, "email")} AS user_email,
         u.{_col(user_model, "phone")} AS user_phone,
         p.{_col(ApplicantProfile, "email")} AS profile_email,
         p.{_col(ApplicantProfile, "phone")} AS profile_phone
  FROM {_table(user_model)} u
  JOIN {_table(ApplicantProfile)} p ON p.{_col(ApplicantProfile, "user")} = u.id
  WHERE u.id = {p["user"]} AND EXISTS (
    SELECT 1 FROM {_table(impl)} i
    JOIN {_table(item)} it ON it.id = i.{_col(impl, "item")}
    JOIN {_table(version)} v ON v.id = it.{_col(item, "current_version")}
    WHERE i.id = {p["impl"]} AND i.{_col(impl, "is_active")}
      AND i.{_col(impl, "hall")} IS NOT DISTINCT FROM {p["hall"]}
      AND v.id = {p["version"]} AND v.{_col(version, "status")} = {p["published"]})
), a AS (
  SELECT nextval({app_seq}) AS id FROM g
), k AS (
  INSERT INTO {_table(idem)} ({_col(idem, "user")}, {_col(idem, "scope")},
    {_col(idem, "key")}, {_col(idem, "request_fingerprint")},
    {_col(idem, "application")}, {_col(idem, "created_at")})
  SELECT {p["user"]}, {p["scope"]}, {p["key"]}, {p["fingerprint"]}, a.id, {p["now"]}
  FROM a
  ON CONFLICT ({_col(idem, "user")}, {_col(idem, "scope")}, {_col(idem, "key")})
  DO NOTHING RETURNING {_col(idem, "application")} AS application_id
), h AS (
  SELECT {_col(head, "last_seq")} AS seq, {_col(head, "last_hash")} AS hash
  FROM {_table(head)}, k WHERE {_table(head)}.id = {p["chain"]}
  FOR UPDATE OF {_table(head)}
)
SELECT g.user_email, g.user_phone, g.profile_email, g.profile_phone,
       h.seq, h.hash, k.application_id
FROM g LEFT JOIN k ON true LEFT JOIN h ON true
"""


@functools.cache
def _insert_fields(model, with_pk: bool) -> tuple:
    """The concrete fields a new row of ``model`` is inserted with."""
    return tuple(f for f in model._meta.concrete_fields if with_pk or not f.primary_key)


def _insert_sql(
    name: str,
    model,
    with_pk: bool,
    rows: int,
    first: int,
    *,
    numbered: dict[str, str] | None = None,
    returning: str = "",
) -> tuple[str, int]:
    """One CTE inserting ``rows`` rows of ``model`` from $first on; (sql, next $).

    ``numbered``: columns whose value is an SQL expression of the VALUES cell
    ``{v}`` and of the ``num`` row (the number drawn in the same statement);
    the rows then come from VALUES joined to ``num``.
    """
    fields = _insert_fields(model, with_pk)
    groups, n = [], first
    for _ in range(rows):
        cells = []
        for f in fields:
            cells.append(f"${n}::{f.cast_db_type(connection)}")
            n += 1
        groups.append("(" + ", ".join(cells) + ")")
    columns = ", ".join(_q(f.column) for f in fields)
    if numbered is None:
        source = f"VALUES {', '.join(groups)}"
    else:
        aliases = [f"c{i}" for i in range(len(fields))]
        exprs = [
            numbered[f.column].format(v=f"v.{alias}")
            if f.column in numbered
            else f"v.{alias}"
            for f, alias in zip(fields, aliases, strict=True)
        ]
        source = (
            f"SELECT {', '.join(exprs)} FROM (VALUES {', '.join(groups)}) "
            f"AS v({', '.join(aliases)}), num"
        )
    sql = f"{name} AS (INSERT INTO {_table(model)} ({columns}) {source}{returning})"
    return sql, n


# Fields whose Python value PostgreSQL takes as it is (psycopg2 adapts it);
# others (JSON, IP address ...) go through the field's own preparation.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _plain_value(get, row):
    value = get(row)
    return value.value if isinstance(value, enum.Enum) else value


@functools.cache
def _insert_getters(model, with_pk: bool) -> tuple:
    getters = []
    for f in _insert_fields(model, with_pk):
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        if f.get_internal_type() in _PLAIN and not auto:
            get = operator.attrgetter(f.attname)
            if f.choices:
                # Plain values, not enum members: psycopg2 adapts a str
                # subclass only after a slower lookup.
                get = functools.partial(_plain_value, get)
            getters.append(get)
        else:
            getters.append(
                functools.partial(
                    lambda f, row: f.get_db_prep_save(
                        f.pre_save(row, True), connection
                    ),
                    f,
                )
            )
    return tuple(getters)


def _insert_params(rows: list) -> list:
    """The values of new rows of one model, as the ORM would save them."""
    getters = _insert_getters(type(rows[0]), rows[0].pk is not None)
    return [get(row) for row in rows for get in getters]


# What stands for the application number in the texts statement 2 finishes.
NUMBER_MARK = "⟪№⟫"


@functools.cache
def _write_sql(materials: int, messages: int) -> str:
    """Statement 2 for an application with this many material and outbox rows.

    It draws the number first (the day's counter row stays locked from here
    to COMMIT, so nothing but this statement runs under that lock), then
    writes every row. What contains the number is finished here from the
    texts built with NUMBER_MARK in its place: the application's number, the
    messages, and the 'submitted' audit entry, whose hash PostgreSQL computes
    as audit.entry_digest does (SHA-256 of the previous hash and the content).
    """
    counter, head = ApplicationCounter, AuditChainHead
    last = _col(counter, "last")
    mark = "$3::varchar"
    ctes = [
        f"n AS (INSERT INTO {_table(counter)} ({_col(counter, 'implementation_code')}, "
        f"{_col(counter, 'day')}, {last}) VALUES ($1::varchar, $2::date, 1) "
        f"ON CONFLICT ({_col(counter, 'implementation_code')}, {_col(counter, 'day')}) "
        f"DO UPDATE SET {last} = {_table(counter)}.{last} + 1 "
        f"WHERE {_table(counter)}.{last} < $4::integer RETURNING {last} AS seq)",
        "num AS (SELECT n.seq, $5::varchar || lpad(n.seq::text, 4, '0') AS number "
        "FROM n)",
    ]
    n = 7  # $1-$5 above, $6 the content of entry 2 (its hash cell holds prev)
    text = "replace({v}, " + mark + ", num.number)"
    for name, model, with_pk, rows, numbered, returning in (
        ("a", Application, True, 1, {"number": "num.number"}, ""),
        ("m", ApplicationMaterial, False, materials, None, ""),
        ("s", StatusChange, False, 1, None, ""),
        ("e1", AuditEntry, False, 1, None, ""),
        (
            "e2",
            AuditEntry,
            False,
            1,
            {
                "object_repr": "num.number",
                "changes": f"replace({{v}}::text, {mark}, num.number)::jsonb",
                "hash": "encode(sha256(convert_to("
                f"{{v}} || replace($6::text, {mark}, num.number), 'UTF8')), 'hex')",
            },
            " RETURNING hash",
        ),
        (
            "o",
            OutboxMessage,
            False,
            messages,
            {"subject": text, "body": text, "reference": text},
            " RETURNING id",
        ),
    ):
        if rows:
            sql, n = _insert_sql(
                name, model, with_pk, rows, n, numbered=numbered, returning=returning
            )
            ctes.append(sql)
    ctes.append(
        f"hd AS (UPDATE {_table(head)} SET {_col(head, 'last_seq')} = ${n}::bigint, "
        f"{_col(head, 'last_hash')} = e2.hash FROM e2 "
        f"WHERE {_table(head)}.id = ${n + 1}::integer)"
    )
    outbox = "(SELECT array_agg(id ORDER BY id) FROM o)" if messages else "NULL"
    final = f"SELECT num.seq, (SELECT hash FROM e2), {outbox} FROM num"
    return "WITH " + ",\n".join(ctes) + "\n" + final


def _execute_prepared(cursor, name: str, sql: str, params: list) -> None:
    """Run ``sql`` ($n parameters) as a prepared statement of this connection.

    Planned once per database connection instead of on every submission
    (most of statement 1's database time was planning). A prepared statement
    outlives a rolled-back transaction; a new connection prepares again.
    """
    raw = connection.connection
    key = (id(raw), raw.info.backend_pid)
    state = getattr(connection, "_submit_fast_prepared", None)
    if state is None or state[0] != key:
        state = (key, set())
        connection._submit_fast_prepared = state
    if name not in state[1]:
        cursor.execute(f"PREPARE {name} AS {sql}")
        state[1].add(name)
    cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)


# --- the use case ------------------------------------------------------------------


def application_start_submit(
    *,
    user,
    implementation_code: str,
    channel: str,
    form_data,
    idempotency_key: str,
    fingerprint: str,
) -> FastResult | None:
    """Create and submit an application with form data only; None: take the general path."""
    if connection.vendor != "postgresql" or not isinstance(form_data, dict):
        return None
    if channel not in (c.IntakeChannel.API, c.IntakeChannel.ONLINE):
        return None
    if not IDEMPOTENCY_KEY_RE.match(idempotency_key or ""):
        return None
    plan = _plan_for(implementation_code)
    if plan is None:
        return None
    try:
        check_form_data(form_data)  # size and depth first: then the schema
    except ServiceError:
        return None
    if form_errors(schema=plan.schema, data=form_data, validator=plan.validator):
        return None
    try:
        with transaction.atomic():
            return _write(plan, user, channel, form_data, idempotency_key, fingerprint)
    except _FallbackError:
        return None
    except DatabaseError as exc:
        if not isinstance(exc.__cause__, psycopg2.errors.InvalidSqlStatementName):
            _forget(implementation_code)
            raise
        # Our prepared statements are gone (a pooler reset the session):
        # prepare again next time; this one takes the general path.
        connection._submit_fast_prepared = None
        return None
    except Exception:
        # Not one of ours: the general path raises it again or answers it.
        _forget(implementation_code)
        raise


def _write(plan: Plan, user, channel, form_data, key, fingerprint) -> FastResult:
    impl = plan.implementation
    now = timezone.now()
    today = timezone.localdate(now)
    chain = chain_for_connection()
    if getattr(connection, "_submit_fast_head", None) != chain:
        # Once per connection: the chain's head row (audit_record creates it
        # on first use; statement 1 only locks it).
        AuditChainHead.objects.get_or_create(pk=chain)
        connection._submit_fast_head = chain
    due, provisional = add_working_days(today, c.ACCEPTANCE_WINDOW_WORKING_DAYS)
    app = Application(
        query_code=new_query_code(),
        implementation=impl,
        version=impl.item.current_version,
        applicant=user,
        applicant_kind=c.ApplicantKind.NATURAL,
        submitted_by=user,
        channel=channel,
        hall=impl.hall,
        status=S.SUBMITTED,
        form_data=form_sealed(plan.schema, form_data),
        submitted_at=now,
        acceptance_due=due,
        dates_provisional=provisional,
    )
    app.created_at = app.updated_at = now
    values = {
        "user": user.pk,
        "impl": impl.pk,
        "hall": plan.hall_id,
        "version": plan.version_id,
        "published": cc.VersionStatus.PUBLISHED.value,
        "scope": SCOPE,
        "key": key,
        "fingerprint": fingerprint,
        "now": now,
        "chain": chain,
    }
    with connection.cursor() as cursor:
        _execute_prepared(
            cursor,
            "submit_fast_claim",
            _claim_sql(),
            [values[name] for name, _ in _CLAIM_PARAMS],
        )
        row = cursor.fetchone()
    if row is None:  # the plan is out of date, or the user has no profile
        _forget(impl.code)
        raise _FallbackError
    user_email, user_phone, profile_email, profile_phone = row[:4]
    head_seq, head_hash, app_id = row[4:]
    if head_seq is None and app_id is not None:  # the head row is gone (tests)
        connection._submit_fast_head = None
    if app_id is None or head_seq is None:  # key seen before, or no chain head
        raise _FallbackError

    # The number is drawn in statement 2: until then it is NUMBER_MARK.
    app.pk = app_id
    app.number = NUMBER_MARK
    materials = [
        ApplicationMaterial(application=app, material=m) for m in plan.materials
    ]
    change = StatusChange(
        application=app,
        from_status=S.DRAFT,
        to_status=S.SUBMITTED,
        actor=user,
        at=now,
        reason="",
    )
    entries, submitted_content = _audit_entries(
        app, user, chain, head_seq, head_hash, channel=channel, due=due, now=now
    )
    messages = []
    if S.SUBMITTED in NOTIFY_EVENTS:
        messages = notification_messages(
            application=app,
            event=S.SUBMITTED,
            occurrence=1,
            recipients=contact_recipients(
                user_email, user_phone, profile_email, profile_phone
            ),
            now=now,
        )
    prefix = application_number_prefix(implementation_code=impl.code, day=today)
    params = [
        impl.code,
        today,
        NUMBER_MARK,
        MAX_DAILY_SEQUENCE,
        prefix,
        submitted_content,
        *_insert_params([app]),
    ]
    if materials:
        params += _insert_params(materials)
    params += _insert_params([change]) + _insert_params(entries)
    if messages:
        params += _insert_params(messages)
    params += [entries[-1].seq, chain]
    with connection.cursor() as cursor:
        _execute_prepared(
            cursor,
            f"submit_fast_write_{len(materials)}_{len(messages)}",
            _write_sql(len(materials), len(messages)),
            params,
        )
        row = cursor.fetchone()
    if row is None:  # the day's numbers are used up: the general path says so
        raise _FallbackError
    sequence, last_hash, outbox_ids = row
    outbox_ids = outbox_ids or []
    app.number = format_application_number(
        implementation_code=impl.code, day=today, sequence=sequence
    )
    submitted = entries[-1]
    submitted.object_repr = submitted.changes["number"] = app.number
    submitted.hash = last_hash
    for message, pk in zip(messages, outbox_ids, strict=True):
        message.pk = pk
        message.subject = message.subject.replace(NUMBER_MARK, app.number)
        message.body = message.body.replace(NUMBER_MARK, app.number)
        message.reference = message.reference.replace(NUMBER_MARK, app.number)
    connection._audit_head = (chain, submitted.seq, last_hash)
    send_after_commit(outbox_ids, application_id=app_id, event=S.SUBMITTED)
    return FastResult(application=app, materials=materials, history=[change])


def _audit_entries(
    app: Application, user, chain: int, seq: int, prev: str, *, channel, due, now
) -> tuple[list[AuditEntry], str]:
    """The general path's two entries: applications.create, applications.submitted.

    The second one's number is NUMBER_MARK, and its hash cell holds the
    hash it follows: statement 2 hashes it once the number is drawn. Also
    returns that entry's content (audit.entry_payload) with the mark.
    """
    created = entry_fields(
        actor=user,
        action="applications.create",
        obj=app,
        object_repr=f"草稿#{app.pk}",
        changes={
            "implementation": app.implementation.code,
            "version": app.version_id,
            "channel": c.IntakeChannel(channel).value,
            "applicant_id": user.pk,
            "enterprise_id": None,
        },
    )
    submitted = entry_fields(
        actor=user,
        action=f"applications.{S.SUBMITTED}",
        obj=app,
        object_repr=NUMBER_MARK,
        changes={
            "from": S.DRAFT.value,
            "to": S.SUBMITTED.value,
            "number": NUMBER_MARK,
            "acceptance_due": due.isoformat(),
        },
    )
    digest = entry_digest(prev_hash=prev, chain=chain, seq=seq + 1, at=now, **created)
    entries = [
        AuditEntry(
            chain=chain, seq=seq + 1, at=now, prev_hash=prev, hash=digest, **created
        ),
        # hash: the previous hash here; statement 2 appends the content and hashes
        AuditEntry(
            chain=chain, seq=seq + 2, at=now, prev_hash=digest, hash=digest, **submitted
        ),
    ]
    content = entry_payload(chain=chain, seq=seq + 2, at=now, **submitted)
    return entries, content
