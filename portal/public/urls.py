from django.urls import path

from . import activation, login, password_reset, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", login.LoginView.as_view(), name="login"),
    path("accounts/login/verify/", login.login_verify, name="login_verify"),
    path("accounts/login/enrol/", login.login_enrol, name="login_enrol"),
    path("accounts/two-factor/", login.two_factor, name="two_factor"),
    path(
        "accounts/password-reset/",
        password_reset.reset_request,
        name="password_reset",
    ),
    path(
        "accounts/password-reset/code/",
        password_reset.reset_code,
        name="password_reset_code",
    ),
    path("accounts/activate/", activation.activate_request, name="activate"),
    path("accounts/activate/code/", activation.activate_code, name="activate_code"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<slug:slug>/", views.notice_detail, name="notice_detail"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<slug:slug>/", views.policy_detail, name="policy_detail"),
    path("faq/", views.faq_list, name="faq_list"),
    path("faq/<slug:slug>/", views.faq_detail, name="faq_detail"),
    path("supervision/", views.supervision, name="supervision"),
    path(
        "supervision/<slug:slug>/",
        views.supervision_detail,
        name="supervision_detail",
    ),
]
