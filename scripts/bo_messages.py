"""Refresh the Tibetan catalog of the citizen-facing strings: locale/bo.

Usage: .venv/bin/python scripts/bo_messages.py

Citizen-facing (issue 13: everything a citizen reads) means exactly the
templates in CITIZEN_TEMPLATES and the gettext messages of the modules in
CITIZEN_MODULES; staff desks (counter, desk review, agent desk, workflow,
supervision's staff pages, the admin) stay Chinese. PENDING lists the
citizen pages not translated yet: tests/tibetan/test_catalogue.py fails on
an untranslated message of the covered ones and on a citizen template that
is in neither list.

The msgids are read as makemessages reads them (Django's templatize for
templates, gettext calls for Python); entries already in the catalog keep
their msgstr, new ones come in empty (the test fails until they are
translated), entries no longer used are dropped. Then msgfmt writes the .mo
(kept in git). Terms: locale/bo/GLOSSARY.md.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "bo" / "LC_MESSAGES" / "django.po"

CITIZEN_TEMPLATES = [
    # the frame and the error pages
    "templates/base.html",
    "templates/_pagination.html",
    "templates/400.html",
    "templates/403.html",
    "templates/403_csrf.html",
    "templates/404.html",
    "templates/413.html",
    "templates/500.html",
    "templates/503.html",
    "templates/portal/404.html",
    # home, login
    "templates/portal/home.html",
    "templates/portal/login.html",
    # search, browse, the guide and its print view
    "templates/catalog/item_list.html",
    "templates/catalog/_results.html",
    "templates/catalog/item_detail.html",
    "templates/catalog/_guide_sections.html",
    "templates/catalog/item_print.html",
    # registration
    "templates/applications/accounts/register.html",
    # the online application wizard (the desk templates are shared with the
    # counter and the agent, whose extra strings are translated too)
    "templates/applications/desk/_head.html",
    "templates/applications/desk/_nav.html",
    "templates/applications/desk/form.html",
    "templates/applications/desk/materials.html",
    "templates/applications/desk/review.html",
    "templates/applications/_field.html",
    "templates/applications/_material_alternatives.html",
    "templates/applications/_certificate_offer.html",
    "templates/applications/_certificate_reference.html",
    "templates/applications/_prefilled_note.html",
    "templates/applications/_materials_summary.html",
    "templates/applications/_in_person.html",
    "templates/applications/_deemed.html",
    "templates/applications/widgets/group.html",
    # my applications, the timeline, the receipt page, tracking
    "templates/applications/my_list.html",
    "templates/applications/my_detail.html",
    "templates/applications/receipt.html",
    "templates/applications/_steps.html",
    "templates/applications/_timeline.html",
    "templates/applications/track.html",
    # the certificate wallet and verification; ratings, complaints, the public performance report
    "templates/evidence/wallet.html",
    "templates/evidence/wallet_detail.html",
    "templates/evidence/access_log.html",
    "templates/evidence/verify.html",
    "templates/supervision/rate.html",
    "templates/supervision/kiosk_start.html",
    "templates/supervision/kiosk_rate.html",
    "templates/supervision/complaint_new.html",
    "templates/supervision/complaint_track.html",
    "templates/supervision/_rate_link.html",
    "templates/supervision/_levels.html",
    "templates/supervision/performance.html",
    "templates/supervision/_definitions.html",
    # portal: notices, FAQ, activation, password reset, two-factor
    "templates/portal/article_list.html",
    "templates/portal/article_detail.html",
    "templates/portal/_article_body.html",
    "templates/portal/faq_list.html",
    "templates/portal/supervision.html",
    "templates/portal/activate.html",
    "templates/portal/activate_code.html",
    "templates/portal/password_reset.html",
    "templates/portal/password_reset_code.html",
    "templates/portal/locked_out.html",
    "templates/portal/login_verify.html",
    "templates/portal/login_enrol.html",
    "templates/portal/two_factor.html",
    "templates/portal/recovery_codes.html",
    "templates/portal/_otp_field.html",
    "templates/portal/_totp_setup.html",
    # browse by department, region, theme, type; intermediaries; the account pages
    "templates/catalog/department_list.html",
    "templates/catalog/department_detail.html",
    "templates/catalog/region_list.html",
    "templates/catalog/region_detail.html",
    "templates/catalog/theme_list.html",
    "templates/catalog/theme_detail.html",
    "templates/catalog/type_list.html",
    "templates/catalog/intermediary_list.html",
    "templates/applications/accounts/profile.html",
    "templates/applications/accounts/_nav.html",
    "templates/applications/accounts/_form_fields.html",
    "templates/applications/accounts/enterprise_list.html",
    "templates/applications/accounts/enterprise_detail.html",
    "templates/applications/accounts/authorization_list.html",
    "templates/applications/accounts/authorization_new.html",
    "templates/applications/accounts/authorization_grant.html",
    "templates/applications/accounts/authorization_code.html",
]

CITIZEN_MODULES: list[str] = [
    "portal/templatetags/portal_ui.py",
    # the SMS and e-mail an applicant gets (in their language)
    "applications/services/notify.py",
    # status, channel, provision and delivery labels on my applications,
    # the timeline and tracking
    "applications/constants.py",
    # the guide's facts, the catalog pages' messages, the apply form's fields
    "catalog/guide.py",
    "catalog/views.py",
    "applications/forms.py",
    # the certificate wallet and verification; ratings, complaints, the public performance report
    "evidence/constants.py",
    "evidence/codes.py",
    "evidence/views.py",
    "applications/certificates.py",
    "supervision/constants.py",
    "supervision/forms.py",
    "supervision/services/common.py",
    "supervision/services/ratings.py",
    "supervision/services/complaints.py",
    "supervision/views/public.py",
    "supervision/figures/metrics.py",
    "supervision/figures/reading.py",
    # the online application wizard's service errors and the form schema's checks
    "applications/services/drafts.py",
    "applications/services/materials.py",
    "applications/services/submission.py",
    "applications/services/people.py",
    "applications/services/withdrawal.py",
    "applications/services/form_ids.py",
    "applications/services/tolerance.py",
    "applications/selectors.py",
    "applications/uploads.py",
    "applications/form_privacy.py",
    "applications/views/desk.py",
    "applications/views/desk_forms.py",
    "applications/views/online.py",
    "applications/views/certificates.py",
    # refusal and decision documents
    "applications/documents.py",
    "workflow/documents.py",
    # portal: notices, FAQ, activation, password reset, two-factor (the login
    # form, the lock-out text, the one-time codes' and second factor's errors,
    # and the user name, password and ID number checks activation shares with
    # registration)
    "portal/public/*.py",
    "portal/lockout.py",
    "portal/twofactor.py",
    "people/services/activation.py",
    "people/services/password_reset.py",
    "people/services/otp_codes.py",
    "people/services/applicants.py",
    "people/privacy.py",
    # browse by department, region, theme, type; intermediaries; the account pages
    "catalog/constants.py",
    "catalog/forms.py",
    "people/constants.py",
    "people/codes.py",
    "people/services/enterprises.py",
    "applications/forms_people.py",
    "applications/views/accounts.py",
    "applications/views/consent.py",
]

# Citizen pages still Chinese-only in Tibetan (they fall back to Chinese).
PENDING = []

# Templates no citizen sees (staff desks, the admin, API documentation).
STAFF_PREFIXES = (
    "templates/admin/",
    "templates/rest_framework/",
    "templates/drf_spectacular/",
    "templates/applications/counter/",
    "templates/applications/desk/agent/",
    "templates/applications/desk/counter/",
    "templates/applications/agent/",
    "templates/applications/desk/items.html",
    "templates/applications/desk/_styles.html",
    "templates/applications/_styles.html",
    "templates/applications/accounts/_styles.html",
    "templates/evidence/staff_certificate.html",
    "templates/evidence/_styles.html",
    "templates/supervision/complaint_detail.html",
    "templates/supervision/complaint_list.html",
    "templates/supervision/rectification_detail.html",
    "templates/supervision/rectification_list.html",
    "templates/supervision/appeal_list.html",
    "templates/supervision/_nav.html",
    "templates/supervision/_styles.html",
    # The issuing department's certificate desk.
    "templates/evidence/_desk",
    "templates/evidence/desk",
    # The supervisor's dashboard, card board and orders (performance.html, the
    # public report, is a citizen page: PENDING above).
    "templates/supervision/_dashboard_",
    "templates/supervision/_figure_table.html",
    "templates/supervision/_order_rows.html",
    "templates/supervision/_weekly_chart.html",
    "templates/supervision/card_board.html",
    "templates/supervision/dashboard",
    "templates/supervision/order_",
)

_LITERAL = r"u?('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_CALL = re.compile(r"\b(n?p?gettext)\(" + _LITERAL + r"(?:,\s*" + _LITERAL + r")?")


def template_messages(path: Path) -> set[str]:
    """Keys (``ctxt\\x04msgid`` for a context) of one template's messages."""
    return set(_template_calls(path))


def template_plurals(path: Path) -> dict[str, str]:
    """msgid -> msgid_plural of one template's ``blocktranslate count``."""
    return {k: plural for k, plural in _template_calls(path).items() if plural}


def _template_calls(path: Path) -> dict[str, str]:
    from django.utils.translation.template import templatize

    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found: dict[str, str] = {}
    for name, first, second in _CALL.findall(text):
        first = ast.literal_eval(first)
        if name == "pgettext" and second:
            found[f"{first}\x04{ast.literal_eval(second)}"] = ""
        elif name == "ngettext" and second:
            # A plural entry: ngettext() finds nothing in a singular one.
            found[first] = ast.literal_eval(second)
        else:
            found.setdefault(first, "")
    return found


def module_messages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if name in {"_", "gettext", "gettext_lazy", "ngettext"} and args:
            found.add(args[0])
        elif name in {"pgettext", "pgettext_lazy"} and len(args) >= 2:
            found.add(f"{args[0]}\x04{args[1]}")
    return found


def citizen_messages() -> set[str]:
    keys: set[str] = set()
    for rel in CITIZEN_TEMPLATES:
        keys |= template_messages(ROOT / rel)
    for pattern in CITIZEN_MODULES:
        for path in sorted(ROOT.glob(pattern)):
            keys |= module_messages(path)
    return keys


def citizen_plurals() -> dict[str, str]:
    """The citizen-facing messages with a plural form (msgid -> msgid_plural)."""
    plurals: dict[str, str] = {}
    for rel in CITIZEN_TEMPLATES:
        plurals.update(template_plurals(ROOT / rel))
    return plurals


def _quote(text: str) -> str:
    return (
        '"'
        + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))
        + '"'
    )


def read_catalog(path: Path = PO) -> tuple[str, dict[str, str]]:
    """(header block, key -> msgstr) of our catalog (no plurals in it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    header, entries = "", {}
    for block in blocks:
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            line = line.strip()
            match = re.match(
                r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[0\]) (\".*\")$", line
            )
            if match:
                current = match.group(1).replace("[0]", "")
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid") == "" and "msgstr" in fields and not header:
            header = block
            continue
        if "msgid" in fields:
            key = fields["msgid"]
            if "msgctxt" in fields:
                key = f"{fields['msgctxt']}\x04{key}"
            entries[key] = fields.get("msgstr", "")
    return header, entries


def write_catalog(
    header: str,
    entries: dict[str, str],
    path: Path = PO,
    plurals: dict[str, str] | None = None,
) -> None:
    """``plurals``: msgid -> msgid_plural of the entries written as plural
    ones (one form: Plural-Forms nplurals=1)."""
    plurals = plurals or {}
    out = [header.strip(), ""]
    for key in sorted(entries):
        if "\x04" in key:
            context, msgid = key.split("\x04", 1)
            out.append(f"msgctxt {_quote(context)}")
        else:
            msgid = key
        out.append(f"msgid {_quote(msgid)}")
        if key in plurals:
            out.append(f"msgid_plural {_quote(plurals[key])}")
            out.append(f"msgstr[0] {_quote(entries[key])}")
        else:
            out.append(f"msgstr {_quote(entries[key])}")
        out.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "--check-format", "-o", path.with_suffix(".mo"), path], check=True
    )


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    header, old = read_catalog()
    keys = citizen_messages()
    write_catalog(header, {k: old.get(k, "") for k in keys}, plurals=citizen_plurals())
    missing = sum(1 for k in keys if not old.get(k))
    print(f"{PO.relative_to(ROOT)}: {len(keys)} messages, {missing} untranslated")


if __name__ == "__main__":
    main()
