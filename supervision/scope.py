"""Which part of the prefecture a supervisor oversees (one rule for every page).

A supervisor's staff profile names a region. A supervisor of a county (or of
a township or village in it) oversees that county: every department, hall
and implementation whose region code starts with the county's six digits
(GB/T 2260). A supervisor of the prefecture, above it, or with no region
oversees everything. Anyone who is not a supervisor oversees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from catalog.constants import RegionLevel

from .services.people import is_supervisor

COUNTY_PREFIX = 6
_BELOW_PREFECTURE = {RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE}


@dataclass(frozen=True)
class SupervisorScope:
    """``prefix`` is the county's six-digit code prefix, or "" for all."""

    prefix: str = ""

    @property
    def whole_prefecture(self) -> bool:
        return not self.prefix

    def region_q(self, path: str = "region") -> Q:
        """A filter on ``<path>__code`` (``Q()`` when it covers everything).

        ``path`` leads from the queried model to a catalog Region, e.g.
        ``"department__region"`` or ``"implementation__region"``.
        """
        if self.whole_prefecture:
            return Q()
        return Q(**{f"{path}__code__startswith": self.prefix})

    def covers(self, region_code: str | None) -> bool:
        if self.whole_prefecture:
            return True
        return bool(region_code) and region_code.startswith(self.prefix)


def supervisor_scope(user) -> SupervisorScope | None:
    """The scope ``user`` oversees, or None when ``user`` is not a supervisor."""
    if not is_supervisor(user):
        return None
    profile = getattr(user, "staff_profile", None)
    region = getattr(profile, "region", None) if profile is not None else None
    if region is None or region.level not in _BELOW_PREFECTURE:
        return SupervisorScope()
    return SupervisorScope(prefix=region.code[:COUNTY_PREFIX])
