from django.conf import settings


def site(request):
    return {
        "SITE_NAME": "甘孜州政务服务网",
        "SITE_NAME_EN": "Ganzi Government Services",
        "DEBUG": settings.DEBUG,
    }
