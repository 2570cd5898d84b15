"""Time limits of the repair procedure in working days (Order 107; domain.md §4).

Counted on the official working-day calendar (`gateway.rules.calendar.WorkingCalendar`, which
falls back to Monday to Friday with a logged warning for years it has no data for, and takes
configured extra holidays): the n-th working day after the day of the step, that day not
counted. The last day itself is still in time; `overdue` starts the day after.
"""

from __future__ import annotations

import datetime as dt

from gateway.rules.calendar import DEFAULT_CALENDAR, WorkingCalendar

ACCEPT_WORKING_DAYS = 2
DECIDE_WORKING_DAYS = 7
COMPLEX_EXTRA_WORKING_DAYS = 10
UPDATE_WORKING_DAYS = 3


def accept_due(applied_on: dt.date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dt.date:
    """Last day to accept (or refuse to accept) an application made on `applied_on`."""
    return calendar.add_working_days(applied_on, ACCEPT_WORKING_DAYS)


def decide_due(accepted_on: dt.date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dt.date:
    """Last day to decide an application accepted on `accepted_on`."""
    return calendar.add_working_days(accepted_on, DECIDE_WORKING_DAYS)


def extended_due(due: dt.date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dt.date:
    """The decision's last day once the case is marked complex."""
    return calendar.add_working_days(due, COMPLEX_EXTRA_WORKING_DAYS)


def update_due(approved_on: dt.date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dt.date:
    """Last day to update the published data after an approval on `approved_on`."""
    return calendar.add_working_days(approved_on, UPDATE_WORKING_DAYS)
