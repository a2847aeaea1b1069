import pytest
from rest_framework.test import APIRequestFactory, force_authenticate

from portal.api.bench import FloorView
from portal.models import LoadProbe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_floor_endpoint_is_not_routed_unless_enabled(client):
    assert (
        client.post(
            "/api/v1/bench/floor/", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_floor_view_does_one_authenticated_insert():
    user = UserFactory(username="bench")
    factory = APIRequestFactory()
    request = factory.post("/x/", {"n": 1}, format="json")
    assert FloorView.as_view()(request).status_code in (401, 403)
    request = factory.post("/x/", {"n": 1}, format="json")
    force_authenticate(request, user=user)
    response = FloorView.as_view()(request)
    assert response.status_code == 201
    assert LoadProbe.objects.get().payload == {"n": 1}
