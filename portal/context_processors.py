from django.conf import settings
from django.utils import translation


def site_name() -> str:
    """The site's name in the active language (``SITE_NAME``, or ``SITE_NAME_EN``
    on the English pages, ``SITE_NAME_BO`` on the Tibetan ones)."""
    language = translation.get_language() or ""
    if language.startswith("en"):
        return settings.SITE_NAME_EN
    if language == "bo":
        return settings.SITE_NAME_BO
    return settings.SITE_NAME


def site(request):
    return {
        "SITE_NAME": site_name(),
        "SITE_NAME_EN": settings.SITE_NAME_EN,
        "DEBUG": settings.DEBUG,
    }
