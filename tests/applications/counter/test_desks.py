"""The one intake desk (applications.views.desk): online, counter and agent
apply through the same steps and step templates, each desk with its own URLs,
heading and wording."""

import pytest
from django.test import RequestFactory
from django.urls import resolve

from applications import constants as c
from applications.services.drafts import application_create
from applications.views.agent import AGENT
from applications.views.counter_intake import COUNTER
from applications.views.desk import Desk
from applications.views.online import ONLINE
from tests.applications.factories import GOOD_FORM, authorization

from .helpers import logged_in

pytestmark = pytest.mark.django_db

STEPS = {  # step -> its URL arguments
    "start": ("X-1",),
    "form": (1,),
    "materials": (1,),
    "provide": (1, 2),
    "remove_file": (1, 2),
    "review": (1,),
}
MODULES = {
    ONLINE: "applications.views.online",
    COUNTER: "applications.views.counter_intake",
    AGENT: "applications.views.agent",
}


@pytest.mark.parametrize("desk", [ONLINE, COUNTER, AGENT], ids=lambda d: d.key)
def test_every_step_url_is_the_desks_own_view(desk):
    steps = dict(STEPS)
    if desk.on_behalf:
        steps.update(find=(), items=())
    for step, args in steps.items():
        match = resolve(desk.url(step, *args))
        assert match.func.__module__ == MODULES[desk], step


def test_a_desk_that_does_not_say_who_may_use_it_lets_nobody_in():
    request = RequestFactory().get("/")
    with pytest.raises(NotImplementedError):
        Desk().require(request)


@pytest.fixture
def drafts(clerk, applicant, agent, implementation, hall):
    online = application_create(
        user=applicant,
        implementation=implementation,
        channel=c.IntakeChannel.ONLINE,
        form_data=dict(GOOD_FORM),
    )
    counter = application_create(
        user=clerk,
        applicant=applicant,
        implementation=implementation,
        channel=c.IntakeChannel.COUNTER,
        hall=hall,
        form_data=dict(GOOD_FORM),
    )
    agent_draft = application_create(
        user=agent,
        implementation=implementation,
        channel=c.IntakeChannel.AGENT,
        agent_authorization=authorization(agent=agent, citizen=applicant),
        form_data=dict(GOOD_FORM),
    )
    return {
        "online": (applicant, f"/my/applications/{online.pk}/", "review/"),
        "counter": (clerk, f"/counter/intake/{counter.pk}/", "submit/"),
        "agent": (agent, f"/agent/applications/{agent_draft.pk}/", "submit/"),
    }


# The breadcrumb's root, the review page's note and its submit button.
WORDING = {
    "online": ("我的办件", "提交即表示您确认", "确认提交"),
    "counter": ("受理工作台", "提交前请申请人核对", "代申请人提交"),
    "agent": ("代办工作台", "提交前请委托人核对", "代申请人提交"),
}


@pytest.mark.parametrize("key", ["online", "counter", "agent"])
def test_each_desk_renders_the_shared_step_templates_in_its_own_words(drafts, key):
    user, base, review = drafts[key]
    client = logged_in(user)
    home, note, button = WORDING[key]
    for step, template in (
        ("form/", "applications/desk/form.html"),
        ("materials/", "applications/desk/materials.html"),
        (review, "applications/desk/review.html"),
    ):
        r = client.get(base + step)
        assert r.status_code == 200, step
        assert template in [t.name for t in r.templates], step
        html = r.content.decode()
        assert f">{home}</a></li>" in html, step
        # The desks apply for somebody: the applicant is named on every step.
        assert ("applicant-banner" in html) == (key != "online"), step
    assert note in html
    assert f">{button}</button>" in html
    for other, (_home, other_note, _button) in WORDING.items():
        if other != key and other_note != note:
            assert other_note not in html
