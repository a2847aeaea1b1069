from django.contrib.auth import views as auth_views
from django.shortcuts import render


def home(request):
    return render(request, "portal/home.html")


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"


class LogoutView(auth_views.LogoutView):
    pass
