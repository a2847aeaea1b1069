"""Services of people: one module per area (applicants, enterprises, outbox)."""
