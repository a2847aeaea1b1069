"""Services of the applications app, one module per area (people, cases, intake...)."""
