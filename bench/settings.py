"""Settings of the server a benchmark starts: the development settings plus
the benchmark's own floor (bench.views.FloorView and its table), so nothing
of the benchmark exists in the project's URLs, schema or migrations.

Built on the development settings, not the test settings: those run Celery
tasks eagerly (a submission would send its messages inside the request) and
hash passwords with MD5, neither of which a deployment does.
"""

import os

from portal.settings.dev import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"

# bench/submit.py --linger: the outbox publisher's linger for this server.
if "BENCH_PUBLISH_LINGER" in os.environ:
    NOTIFY_PUBLISH_LINGER = float(os.environ["BENCH_PUBLISH_LINGER"])
