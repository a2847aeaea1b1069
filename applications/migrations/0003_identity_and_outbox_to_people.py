"""Real-name identity and the outbox move to the people app, rows and all.

Copy and delete, in one transaction (docs/adr/0007): people.0001 created the
new tables in their final shape; this migration copies every row into them
with its primary key (so ids, foreign keys to these rows, audit entries'
object ids and the outbox's client message ids "outbox-<pk>" stay valid),
points Application.enterprise at people.Enterprise, and drops the old
tables. On the way:

- a region foreign key becomes the region's GB/T 2260 code (people sits
  below catalog): ``region_code = catalog_region.code``, blank for none;
- an outbox row's ``application_id`` becomes its subject
  (``subject_type = "applications.application"``, ``subject_id``) with the
  application's number as its reference.

Reversible: going back recreates the old tables and copies the rows back
(a region code back to its region; a message about something other than an
application loses its subject, which the old table cannot hold).
"""

from django.core.management.color import no_style
from django.db import migrations, models
import django.db.models.deletion

COPY_TO_PEOPLE = [
    """
    INSERT INTO people_enterprise
        (id, name, credit_code, legal_representative, region_code, address,
         created_at)
    SELECT e.id, e.name, e.credit_code, e.legal_representative,
           COALESCE(r.code, ''), e.address, e.created_at
      FROM applications_enterprise e
      LEFT JOIN catalog_region r ON r.id = e.region_id
    """,
    """
    INSERT INTO people_applicantprofile
        (id, user_id, full_name, id_number_hash, id_number_masked,
         id_number_encrypted, birth_date, phone, email, region_code,
         registered_by_id, created_at)
    SELECT p.id, p.user_id, p.full_name, p.id_number_hash, p.id_number_masked,
           p.id_number_encrypted, p.birth_date, p.phone, p.email,
           COALESCE(r.code, ''), p.registered_by_id, p.created_at
      FROM applications_applicantprofile p
      LEFT JOIN catalog_region r ON r.id = p.region_id
    """,
    """
    INSERT INTO people_enterprisemember
        (id, enterprise_id, user_id, role, added_by_id, added_at, revoked_at)
    SELECT m.id, m.enterprise_id, m.user_id, m.role, m.added_by_id, m.added_at,
           m.revoked_at
      FROM applications_enterprisemember m
    """,
    """
    INSERT INTO people_outboxmessage
        (id, channel, recipient, subject, body, subject_type, subject_id,
         reference, dedupe_key, status, attempts, next_attempt_at, sent_at,
         last_error, created_at)
    SELECT o.id, o.channel, o.recipient, o.subject, o.body,
           CASE WHEN o.application_id IS NULL THEN ''
                ELSE 'applications.application' END,
           COALESCE(CAST(o.application_id AS VARCHAR(64)), ''),
           COALESCE(a.number, ''),
           o.dedupe_key, o.status, o.attempts, o.next_attempt_at, o.sent_at,
           o.last_error, o.created_at
      FROM applications_outboxmessage o
      LEFT JOIN applications_application a ON a.id = o.application_id
    """,
]

COPY_BACK = [
    """
    INSERT INTO applications_enterprise
        (id, name, credit_code, legal_representative, region_id, address,
         created_at)
    SELECT e.id, e.name, e.credit_code, e.legal_representative, r.id,
           e.address, e.created_at
      FROM people_enterprise e
      LEFT JOIN catalog_region r ON r.code = e.region_code
    """,
    """
    INSERT INTO applications_applicantprofile
        (id, user_id, full_name, id_number_hash, id_number_masked,
         id_number_encrypted, birth_date, phone, email, region_id,
         registered_by_id, created_at)
    SELECT p.id, p.user_id, p.full_name, p.id_number_hash, p.id_number_masked,
           p.id_number_encrypted, p.birth_date, p.phone, p.email, r.id,
           p.registered_by_id, p.created_at
      FROM people_applicantprofile p
      LEFT JOIN catalog_region r ON r.code = p.region_code
    """,
    """
    INSERT INTO applications_enterprisemember
        (id, enterprise_id, user_id, role, added_by_id, added_at, revoked_at)
    SELECT m.id, m.enterprise_id, m.user_id, m.role, m.added_by_id, m.added_at,
           m.revoked_at
      FROM people_enterprisemember m
    """,
    """
    INSERT INTO applications_outboxmessage
        (id, channel, recipient, subject, body, application_id, dedupe_key,
         status, attempts, next_attempt_at, sent_at, last_error, created_at)
    SELECT o.id, o.channel, o.recipient, o.subject, o.body, a.id, o.dedupe_key,
           o.status, o.attempts, o.next_attempt_at, o.sent_at, o.last_error,
           o.created_at
      FROM people_outboxmessage o
      LEFT JOIN applications_application a
        ON o.subject_type = 'applications.application'
       AND CAST(a.id AS VARCHAR(64)) = o.subject_id
    """,
]

MODELS = ("Enterprise", "ApplicantProfile", "EnterpriseMember", "OutboxMessage")


def _run(apps, schema_editor, statements, app_label):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        # Rows came with their ids: move each table's sequence past them.
        models_ = [apps.get_model(app_label, name) for name in MODELS]
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            # Check the copied rows' foreign keys now, so the tables they
            # point at can be altered in this same transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def copy_to_people(apps, schema_editor):
    _run(apps, schema_editor, COPY_TO_PEOPLE, "people")


def copy_back(apps, schema_editor):
    _run(apps, schema_editor, COPY_BACK, "applications")


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0002_hot_path_indexes"),
        ("catalog", "0003_search_trigram"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_people, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="enterprise",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="people.enterprise",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, copy_back),
        migrations.DeleteModel(name="EnterpriseMember"),
        migrations.DeleteModel(name="OutboxMessage"),
        migrations.DeleteModel(name="ApplicantProfile"),
        migrations.DeleteModel(name="Enterprise"),
    ]
