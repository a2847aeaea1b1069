"""Public catalog files (blank forms and samples) under /media/catalog/.

Only the catalog/ folder of MEDIA_ROOT is public. Uploads and authorisation
documents live elsewhere in MEDIA_ROOT and are served only through their
permission-checked views, never by this one.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe


@require_safe
def catalog_file(request, path: str) -> FileResponse:
    root = Path(settings.MEDIA_ROOT) / "catalog"
    try:
        full = Path(safe_join(root, path))
    except Exception as exc:  # SuspiciousFileOperation: a path outside the folder
        raise Http404("not found") from exc
    if not full.is_file():
        raise Http404("not found")
    content_type, _ = mimetypes.guess_type(full.name)
    response = FileResponse(
        full.open("rb"),
        content_type=content_type or "application/octet-stream",
        as_attachment=True,
        filename=full.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
