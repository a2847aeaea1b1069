"""Development: make run. SQLite and the embedded broker unless env says otherwise."""

from .base import *  # noqa: F403
