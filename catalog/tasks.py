from celery import shared_task

from . import services


@shared_task(name="catalog.tasks.apply_effective_dates")
def apply_effective_dates() -> int:
    """Beat: make versions whose effective date came current; retire expired ones."""
    return services.catalog_apply_effective_dates()
