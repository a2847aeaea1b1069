"""HTML views of the applications app, one module per desk or page group."""
