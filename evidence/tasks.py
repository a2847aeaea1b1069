from celery import shared_task

from .services.issuing import certificates_expire_due


@shared_task(name="evidence.tasks.expire_certificates")
def expire_certificates() -> int:
    """Beat, hourly: valid certificates past their last day become expired."""
    return certificates_expire_due()
