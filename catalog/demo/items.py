"""Every demo item, in load order."""

from __future__ import annotations

from . import (
    items_enterprise,
    items_joint,
    items_powers,
    items_public_security,
    items_social,
)

ITEMS = [
    *items_public_security.ITEMS,
    *items_social.ITEMS,
    *items_enterprise.ITEMS,
    *items_joint.ITEMS,
    *items_powers.ITEMS,
]
