from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _language_on_login(sender, request, user, **kwargs) -> None:
    """A citizen's chosen language (their profile) follows them to any device:
    copied into the session at login (portal.i18n reads it)."""
    from people.models import ApplicantProfile
    from portal.i18n import remember_language, supported_language

    if request is None or user is None or user.pk is None:
        return
    stored = (
        ApplicantProfile.objects.filter(user_id=user.pk)
        .values_list("language", flat=True)
        .first()
    )
    language = supported_language(stored or "")
    if language:
        remember_language(request, language)


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("实名身份与消息")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_language_on_login, dispatch_uid="people-language")
