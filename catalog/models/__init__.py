"""Catalog data: regions, bodies, halls, certificate types, items and versions.

A published ServiceItemVersion and its children never change: every save or
delete on them checks the version is still a draft (see items._DraftOnly).
One module per concern; everything is importable from ``catalog.models``.
"""

from .implementations import (
    Implementation,
    IntermediaryAgency,
    IntermediaryService,
    Variance,
)
from .items import (
    FrozenError,
    Material,
    ProcessStage,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
)
from .organisation import (
    CertificateType,
    Department,
    Region,
    ServiceHall,
    StaffProfile,
    Theme,
    Window,
)

__all__ = [
    "CertificateType",
    "Department",
    "FrozenError",
    "Implementation",
    "IntermediaryAgency",
    "IntermediaryService",
    "Material",
    "ProcessStage",
    "ProcessStep",
    "Region",
    "ServiceHall",
    "ServiceItem",
    "ServiceItemVersion",
    "StaffProfile",
    "Theme",
    "Variance",
    "Window",
]
