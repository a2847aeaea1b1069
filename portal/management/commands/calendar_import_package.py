"""Import the chinesecalendar package's notices for years the table lacks.

After upgrading the pinned ``chinesecalendar`` to a release with next year's
State Council notice: ``manage.py calendar_import_package`` enters each year
of the package not yet confirmed in the table (its holidays on weekdays and
make-up working weekends, source state_council) and confirms it, through
calendar_days_set as the system actor: one revision, one audit entry, the
clock engine recomputing what it moves. Entries already in the table for
other days of those years (a local holiday) are kept. Migration 0009 seeded
the years of 1.11.0; a year already confirmed is never touched.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.models import CalendarSource, CalendarYear
from portal.system import system_user
from portal.workcalendar import PACKAGE_NOTE, calendar_days_set
from portal.workdays import package_seed


class Command(BaseCommand):
    help = (
        "Enter and confirm chinesecalendar's holiday notices for every year of the "
        "package not yet confirmed in the calendar table (audited, one revision)."
    )

    def handle(self, *args, **options):
        rows, years = package_seed()
        confirmed = set(
            CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True)
        )
        new_years = [year for year in years if year not in confirmed]
        if not new_years:
            self.stdout.write("Every year of the package is confirmed already.")
            return
        listed = "、".join(str(year) for year in new_years)
        revision = calendar_days_set(
            actor=system_user(),
            entries=[
                (day, working, CalendarSource.STATE_COUNCIL.value, note)
                for day, working, note in rows
                if day.year in new_years
            ],
            years=[(year, True, PACKAGE_NOTE) for year in new_years],
            summary=f"导入国务院放假通知（chinesecalendar）：{listed}年",
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {', '.join(map(str, new_years))}: calendar revision {revision}."
            )
        )
