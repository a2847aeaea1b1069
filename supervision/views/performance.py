"""The public performance report (/performance/): monthly figures per
department, no personal data, small cells suppressed by the engine."""

from __future__ import annotations

from django.shortcuts import render

from portal.errors import ServiceError

from .. import dashboard as d


def performance(request):
    try:
        report = d.public_report(request.GET.get("year"), request.GET.get("month"))
    except ServiceError as exc:
        return render(
            request,
            "supervision/performance.html",
            {"error": exc, "choices": d.public_choices()},
            status=400,
        )
    return render(
        request,
        "supervision/performance.html",
        {"report": report, "choices": d.public_choices()},
    )
