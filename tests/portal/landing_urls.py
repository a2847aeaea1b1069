"""The site's URLs plus the workflow desks' names (as after the merge)."""

from django.http import HttpResponse
from django.urls import include, path

from portal.urls import urlpatterns as site

workflow = (
    [
        path("inbox/", lambda r: HttpResponse("inbox"), name="inbox"),
        path("head/", lambda r: HttpResponse("head"), name="head"),
    ],
    "workflow",
)

urlpatterns = [path("workflow/", include(workflow)), *site]
