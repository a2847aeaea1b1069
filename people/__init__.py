"""Identity and messages at the base: who people are and how to reach them.

Real-name profiles (sealed ID numbers), enterprises and their members, the
GB 11643 / GB 32100 / GB/T 2260 checks, and the e-mail/SMS outbox. Every app
above (catalog, evidence, applications, workflow, portal's top) may use
them; this package imports nothing but Django and portal's base (users,
roles, audit, errors). See docs/adr/0007-identity-and-messages-at-the-base.md.
"""
