"""The e-mail/SMS outbox's plumbing: backends, the batching publisher, ledgers.

Services that write and send outbox rows are in people.services.outbox; the
Celery entry points in people.tasks.
"""
