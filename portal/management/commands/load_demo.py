"""manage.py load_demo: the demo data for development (refuses with DEBUG off).

Portal top: it runs each app's demo loader in order (catalog, people, evidence,
applications, then supervision's history of a few months, lived through the
services: supervision.demo.history) in one transaction. No app imports this
module. ``--history-days`` (default: settings.DEMO_HISTORY_DAYS, else 112)
sets how far back the history starts; 0 generates none (the test settings'
default: the demo tests that want a history ask for a short one).
settings.DEMO_HISTORY_RATE: applications per working day (default 1.8). Last, the
dashboard figures are brought up to date from the audit feed (supervision.figures).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications.demo import load_applications_demo
from catalog.demo.loader import DemoError, DemoRefusedError, load_demo
from evidence.demo import load_evidence_demo
from people.demo import load_people_demo
from supervision.demo import load_history_demo
from supervision.figures import refresh_pending


class Command(BaseCommand):
    help = (
        "Load the Ganzi demo data (regions, bodies, halls, items, users). "
        "Idempotent; refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--history-days",
            type=int,
            default=None,
            help="Days of demo history back from today (0: none; default 112).",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        days = options["history_days"]
        if days is None:
            days = getattr(settings, "DEMO_HISTORY_DAYS", None)
        try:
            with transaction.atomic():
                tally = load_demo()
                extra = {
                    **load_people_demo(),
                    **load_evidence_demo(),
                    **load_applications_demo(),
                }
                history = load_history_demo(
                    days=days, rate=getattr(settings, "DEMO_HISTORY_RATE", None)
                )
        except (DemoRefusedError, DemoError) as exc:
            raise CommandError(str(exc)) from exc
        # The dashboard's figures from what the demo wrote (the audit feed the
        # beat task applies every minute; nothing to do on a second run), so
        # a supervisor's first look at `make run` finds them filled in.
        figures = refresh_pending(max_batches=1000)
        if options["verbosity"] >= 2:
            for line in tally.lines():
                self.stdout.write(f"  {line}")
        if not history.skipped:
            counts = history.counts
            self.stdout.write(
                f"Demo history: {counts['applications']} applications, "
                f"{counts['ratings']} ratings, {counts['deadlines_fired']} deadlines "
                f"fired, {counts['muted_messages']} messages kept unsent, in "
                f"{history.seconds:.1f}s."
            )
            if options["verbosity"] >= 2:
                for key, value in sorted(counts.items()):
                    self.stdout.write(f"  history {key}: {value}")
                for key, value in sorted(history.refused.items()):
                    self.stdout.write(f"  history refused {key}: {value}")
                    for line in history.details.get(key, []):
                        self.stdout.write(f"    {line}")
        if options["verbosity"] >= 2:
            self.stdout.write(
                f"  figures: {figures['entries']} audit entries applied, "
                f"{figures['facts']} facts"
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {elapsed:.1f}s: "
                f"{tally.total('created') + sum(extra.values()) + history.created()} "
                "created, "
                f"{tally.total('updated')} updated, "
                f"{tally.total('unchanged')} unchanged."
            )
        )
