from tests.people.outbox.fixtures import sms_dir  # noqa: F401
