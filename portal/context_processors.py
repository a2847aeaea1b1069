from django.conf import settings
from django.utils import translation


def site_name() -> str:
    """The site's name in the active language (``SITE_NAME``, or ``SITE_NAME_EN``
    on the English pages)."""
    language = translation.get_language() or ""
    return settings.SITE_NAME_EN if language.startswith("en") else settings.SITE_NAME


def site(request):
    return {
        "SITE_NAME": site_name(),
        "SITE_NAME_EN": settings.SITE_NAME_EN,
        "DEBUG": settings.DEBUG,
    }
