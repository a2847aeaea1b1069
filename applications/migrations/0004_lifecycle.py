"""Decision, delivery and closing fields; the stored supplement due date.

Notices issued before this migration get the due date their printed notice
showed (issue date + SUPPLEMENT_DUE_WORKING_DAYS working days, the rule
applications.documents used at print time), so a timer acts on the date the
applicant was given.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def backfill_due_dates(apps, schema_editor):
    # The package's calendar, as when the notices were printed (the calendar
    # table may not exist yet at this point of the migration graph).
    from portal.workdays import add_working_days, package_calendar

    calendar = package_calendar()

    Notice = apps.get_model("applications", "SupplementNotice")
    days = settings.SUPPLEMENT_DUE_WORKING_DAYS
    for notice in Notice.objects.filter(due_date__isnull=True).iterator():
        issued = timezone.localtime(notice.issued_at).date()
        notice.due_date, notice.due_provisional = add_working_days(
            issued, days, calendar
        )
        notice.save(update_fields=["due_date", "due_provisional"])


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0003_identity_and_outbox_to_people'),
        ('catalog', '0003_search_trigram'),
        ('people', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='acceptance_deemed',
            field=models.BooleanField(default=False, verbose_name='视为受理'),
        ),
        migrations.AddField(
            model_name='application',
            name='closed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='归档时间'),
        ),
        migrations.AddField(
            model_name='application',
            name='closure_reason',
            field=models.CharField(blank=True, choices=[('archived', '办结归档'), ('supplement_lapsed', '逾期未补正，办理终止')], max_length=24, verbose_name='归档原因'),
        ),
        migrations.AddField(
            model_name='application',
            name='decided_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='application',
            name='decision',
            field=models.CharField(blank=True, choices=[('approved', '准予许可'), ('rejected', '不予许可')], max_length=16, verbose_name='决定'),
        ),
        migrations.AddField(
            model_name='application',
            name='decision_basis',
            field=models.TextField(blank=True, verbose_name='决定依据'),
        ),
        migrations.AddField(
            model_name='application',
            name='delivered_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='送达时间'),
        ),
        migrations.AddField(
            model_name='application',
            name='delivery_due',
            field=models.DateField(blank=True, null=True, verbose_name='送达期限'),
        ),
        migrations.AddField(
            model_name='application',
            name='delivery_method',
            field=models.CharField(blank=True, choices=[('window', '窗口领取'), ('post', '邮寄送达'), ('electronic', '电子送达')], max_length=16, verbose_name='送达方式'),
        ),
        migrations.AddField(
            model_name='supplementnotice',
            name='due_date',
            field=models.DateField(null=True, verbose_name='补正期限'),
        ),
        migrations.AddField(
            model_name='supplementnotice',
            name='due_provisional',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='supplementnotice',
            name='lapsed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='supplementnotice',
            name='due_date',
            field=models.DateField(verbose_name='补正期限'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('decided_by__isnull', False)), fields=['decided_by'], name='app_decided_by_set'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('status', 'submitted')), fields=['acceptance_due'], name='app_submitted_due'),
        ),
        migrations.AddIndex(
            model_name='supplementnotice',
            index=models.Index(condition=models.Q(('lapsed_at__isnull', True), ('resolved_at__isnull', True)), fields=['due_date'], name='notice_open_due'),
        ),
    ]
