"""Rebuild the dashboard's facts and cells from the sources (docs/adr/0010)."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from supervision import figures


class Command(BaseCommand):
    help = "Rebuild supervision figures (facts and roll-up cells) from the sources."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            help="only applications with an event on or after this day (YYYY-MM-DD)",
        )

    def handle(self, *args, since=None, **options):
        start = None
        if since:
            try:
                start = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError("--since must be YYYY-MM-DD") from None
        t0 = time.perf_counter()
        result = figures.rebuild(start)
        self.stdout.write(
            f"facts={result['facts']} cells={result['cells']} "
            f"visit_ratings={result['visit_ratings']} "
            f"seconds={time.perf_counter() - t0:.1f}"
        )
