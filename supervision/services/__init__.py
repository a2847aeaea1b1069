"""Supervision's use cases, one module per concern.

- ``ratings``: an applicant's rating, a counter visit and its kiosk rating,
  appeals of a rating and their decision;
- ``rectifications``: the rectification a bad rating opens (call-back,
  measures, a supervisor's review), on portal's clocks;
- ``complaints``: filing, assignment, answer and public tracking;
- ``deadlines``: the clock handlers (warnings and due dates);
- ``people``: who heads a department, who supervises, and their messages.
"""
