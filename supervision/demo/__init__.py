"""Demo data of supervision: a few months of history (development only).

See :mod:`supervision.demo.history`; portal's load_demo calls
:func:`load_history_demo` last, after every other app's demo data.
"""

from .history import HistoryResult, load_history_demo

__all__ = ["HistoryResult", "load_history_demo"]
