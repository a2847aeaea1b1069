"""Every state change of the e-certificate library, by concern.

- keys: ``signing_key_rotate``, ``signing_key_revoke``
- issuing: ``certificate_issue``, ``certificate_revoke``,
  ``certificates_expire_due``, ``certificate_issue_for_decision``
- importing: ``certificate_import_xlsx``
- access: ``certificate_read`` (every read by staff, logged, refusals too)
"""
