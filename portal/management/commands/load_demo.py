"""manage.py load_demo: the demo data for development (refuses with DEBUG off).

Portal top: it runs each app's demo loader in order (catalog, people, evidence,
then applications) in one transaction. No app imports this module.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications.demo import load_applications_demo
from catalog.demo.loader import DemoError, DemoRefusedError, load_demo
from evidence.demo import load_evidence_demo
from people.demo import load_people_demo


class Command(BaseCommand):
    help = (
        "Load the Ganzi demo data (regions, bodies, halls, items, users). "
        "Idempotent; refuses to run with DEBUG off."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            with transaction.atomic():
                tally = load_demo()
                extra = {
                    **load_people_demo(),
                    **load_evidence_demo(),
                    **load_applications_demo(),
                }
        except (DemoRefusedError, DemoError) as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 2:
            for line in tally.lines():
                self.stdout.write(f"  {line}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {elapsed:.1f}s: "
                f"{tally.total('created') + sum(extra.values())} created, "
                f"{tally.total('updated')} updated, "
                f"{tally.total('unchanged')} unchanged."
            )
        )
