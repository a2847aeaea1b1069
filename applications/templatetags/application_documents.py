"""``{% application_documents application as docs %}``: the printable documents
an application has now (applications.documents decides), with their URLs."""

from __future__ import annotations

from django import template
from django.urls import reverse

from applications import documents

register = template.Library()

URL_NAMES = {
    documents.RECEIPT: "applications:counter_receipt",
    documents.NOTICE: "applications:counter_notice",
    documents.REFUSAL: "applications:counter_refusal",
}


@register.simple_tag
def application_documents(application) -> list[dict]:
    return [
        {
            "kind": kind,
            "title": documents.TITLES[kind],
            "url": reverse(url_name, args=[application.pk]),
        }
        for kind, url_name in URL_NAMES.items()
        if documents.document_available(application, kind)
    ]
