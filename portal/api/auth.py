from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken


@extend_schema(tags=["auth"], summary="Obtain an API token for an app client")
class TokenObtainView(ObtainAuthToken):
    """POST username + password; returns {"token": ...}. Lockout rules apply."""
