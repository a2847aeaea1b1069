"""Development: make run. SQLite and the embedded broker unless env says otherwise."""

from .base import *  # noqa: F403
from .env import env

# Messages go to files a developer can read, never to the console log: a
# message carries the tracking query code (README "Notifications").
# E-mail: one file per connection in EMAIL_FILE_PATH (var/mail/); SMS: one
# JSON line per text in NOTIFY_FILE_DIR/sms.jsonl (var/notify/).
EMAIL_BACKEND = env("EMAIL_BACKEND") or "people.outbox.mail.FileEmailBackend"
SMS_BACKEND = env("SMS_BACKEND") or "people.outbox.backends.FileSmsBackend"
