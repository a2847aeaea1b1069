"""Portal's base models, one module per concern (re-exported here for Django)."""

from .core import ApiToken, Article, ArticleKind, AuditChainHead, AuditEntry, User

__all__ = [
    "ApiToken",
    "Article",
    "ArticleKind",
    "AuditChainHead",
    "AuditEntry",
    "User",
]
