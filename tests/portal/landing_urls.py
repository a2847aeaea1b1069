"""The site's URLs without the workflow desks (as before workflow is routed)."""

from portal.urls import urlpatterns as site

urlpatterns = [
    pattern for pattern in site if getattr(pattern, "namespace", None) != "workflow"
]
