from django.urls import path

from .views import accounts as v
from .views import consent as views_consent

app_name = "accounts"

urlpatterns = [
    path("register/", v.register, name="register"),
    path("profile/", v.profile, name="profile"),
    path("profile/reveal/", v.profile_reveal, name="profile_reveal"),
    path("enterprises/", v.enterprise_list, name="enterprises"),
    path("enterprises/<int:pk>/", v.enterprise_detail, name="enterprise_detail"),
    path(
        "enterprises/<int:pk>/members/<int:member_pk>/revoke/",
        v.enterprise_member_revoke,
        name="enterprise_member_revoke",
    ),
    path("authorizations/", v.authorization_list, name="authorizations"),
    path("authorizations/new/", v.authorization_new, name="authorization_new"),
    path(
        "authorizations/grant/",
        views_consent.citizen_grant,
        name="authorization_grant",
    ),
    path(
        "authorizations/<int:pk>/confirm/",
        views_consent.citizen_confirm,
        name="authorization_confirm",
    ),
    path(
        "authorizations/<int:pk>/code/",
        views_consent.agent_code,
        name="authorization_code",
    ),
    path(
        "authorizations/<int:pk>/revoke/",
        v.authorization_revoke,
        name="authorization_revoke",
    ),
    path(
        "authorizations/<int:pk>/document/",
        v.authorization_document,
        name="authorization_document",
    ),
]
