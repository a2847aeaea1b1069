"""Catalog admin for the catalog office (审改办).

Every change goes through catalog.services (item_create, version_update_draft,
version_new_draft, version_publish, version_retire, implementation_create,
variance_record) or catalog.importexport (draft children, import), each of
which writes the audit log; reference data (regions, bodies, halls...) is
saved by the admin itself and audited by ``AuditedAdminMixin``. Published and
retired versions are read-only here, as the models insist.

Where things are:

=====================  ==========================================================
``base``               who may use the catalog-office tools, xlsx download, the
                       audited base class of reference data
``reference``          regions, bodies, halls and windows, themes, certificate
                       types, intermediary services and agencies
``staff``              staff profiles; the user admin with where staff work
``items``              items: list, publication filter, add (draft v1), versions
``import_export``      the spreadsheet import, template and export of items
``versions``           a version's guide form and read-only view
``publishing``         publish, check, new draft and retire (tools and actions)
``inlines``            materials, process stages and steps (drafts only)
``process``            a process stage with its parallel steps
``implementations``    implementations by region and body, their variances
``variance_report``    the variance report page and its xlsx
=====================  ==========================================================

Importing this package registers every admin (``admin.autodiscover``).
"""

from . import (  # noqa: F401  (registration happens on import)
    implementations,
    items,
    process,
    reference,
    staff,
    variance_report,
    versions,
)
