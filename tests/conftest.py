import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _evidence_key_dir(settings, tmp_path):
    """Signing keys made by a test (evidence, load_demo) go to its own folder."""
    settings.EVIDENCE_KEY_DIR = tmp_path / "evidence-keys"
    settings.EVIDENCE_SIGNING_KEYS = ""


@pytest.fixture(autouse=True)
def _notify_dir(settings, tmp_path):
    """A fresh folder for the SMS file and the development ledgers of message
    ids: outbox ids restart with every test database."""
    settings.NOTIFY_FILE_DIR = tmp_path / "notify"


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request in English leaves
    English active in the thread (LocaleMiddleware does not reset it), and
    translated messages would then depend on the order tests run in."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: throttles, lockouts and one-time
    codes count per client address in it, so counts left by earlier tests
    (which ones depends on how pytest-xdist shares the files out) would turn a
    later test's request into a 429. Each xdist worker has its own Redis
    database (portal.settings.env.per_test_worker_redis_url)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_module_transaction_open(request):
    """A transactional test must not run while a module holds its shared data's
    transaction open (tests/shared_data.py): it would flush inside it."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        from django.db import connection

        assert not connection.in_atomic_block, (
            "a transaction=True test in a module with data built for the module "
            "(tests/shared_data.py): move it to a module of its own"
        )


@pytest.fixture
def without_workflow():
    """applications on its own: workflow's hooks unregistered for one test.

    applications' tests describe the lower layer as it is without later apps
    (applications.hooks: "until they do, acceptance simply records the
    application as accepted"); workflow's own tests run with its hooks.
    """
    from applications import hooks
    from workflow.services import routing
    from workflow.visibility import workflow_visibility_rule

    hooks.on_accepted.unregister(routing.case_open_on_acceptance)
    hooks.on_withdrawn_after_acceptance.unregister(routing.case_withdraw)
    hooks.on_decided.unregister(routing.case_guard_decision)
    hooks.on_delivered.unregister(routing.case_delivered)
    hooks.unregister_visibility_rule(workflow_visibility_rule)
    yield
    hooks.on_accepted.register(routing.case_open_on_acceptance)
    hooks.on_withdrawn_after_acceptance.register(routing.case_withdraw)
    hooks.on_decided.register(routing.case_guard_decision)
    hooks.on_delivered.register(routing.case_delivered)
    hooks.register_visibility_rule(workflow_visibility_rule)
