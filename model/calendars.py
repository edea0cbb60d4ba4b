"""Exchange holidays from a maintained calendar library (``exchange_calendars``).

A holiday here is what WORKDAY needs: a weekday on which the exchange has no
session (regular holidays and ad hoc closures alike).
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings

import numpy as np

from model.errors import CEOModelError


@functools.lru_cache(maxsize=32)
def _weekday_closures(code: str, first_year: int, last_year: int) -> tuple[dt.date, ...]:
    import exchange_calendars as xc
    import pandas as pd

    check_code(code)
    start, end = pd.Timestamp(first_year, 1, 1), pd.Timestamp(last_year, 12, 31)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the library's own pandas deprecation notices
        try:
            calendar = xc.get_calendar(code, start=start, end=end)
        except (xc.errors.DateOutOfBounds, ValueError):  # a calendar with bounds of its own: use its default span
            calendar = xc.get_calendar(code)
    start, end = max(start, calendar.first_session), min(end, calendar.last_session)
    if start > end:
        return ()
    weekdays = pd.bdate_range(start, end)
    closed = weekdays.difference(calendar.sessions_in_range(start, end))
    return tuple(d.date() for d in closed)


def exchange_holidays(code: str, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """Weekdays in [``first``, ``last``] on which exchange ``code`` has no session.

    Dates outside the library's range for that exchange have no holidays
    (weekends still count).

    Examples
    --------
    >>> exchange_holidays("XNYS", dt.date(2001, 11, 1), dt.date(2001, 12, 31))
    (datetime.date(2001, 11, 22), datetime.date(2001, 12, 25))
    """
    days = _weekday_closures(code, first.year, last.year)
    return tuple(d for d in days if first <= d <= last)


def check_code(code: str) -> str:
    """``code`` if it names a calendar of the library, else :class:`CEOModelError` naming ``exchange_calendar``."""
    import exchange_calendars as xc

    if not xc.calendar_utils.global_calendar_dispatcher.has_calendar(code):
        raise CEOModelError("exchange_calendar", f"{code!r} is not a known exchange calendar (e.g. XNYS, XNAS)")
    return code


def calendar_codes() -> tuple[str, ...]:
    import exchange_calendars as xc

    return tuple(sorted(xc.get_calendar_names(include_aliases=True)))


def holidays_for(terms, dates) -> tuple[dt.date, ...]:
    """The holidays a deal uses around ``dates``: the user's list, or the exchange's.

    The exchange's holidays cover every date the model touches: from the share
    price date (or the first date given) to the last date plus the warrant
    term and a year's margin for settlement.
    """
    if terms.holidays is not None:
        return terms.holidays
    given = [np.datetime64(d, "D").astype(dt.date) for d in np.asarray(dates, dtype="datetime64[D]").ravel()]
    first = min([terms.last_sale_date, *given])
    last = max([terms.last_sale_date, *given])
    last = dt.date(min(last.year + int(np.ceil(terms.warrant_term_years)) + 1, 2099), 12, 31)
    return exchange_holidays(terms.exchange_calendar, first, last)


def _holiday_names(code: str, year: int) -> dict[dt.date, str]:
    import exchange_calendars as xc
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calendar = xc.get_calendar(code)
        names: dict[dt.date, str] = {}
        regular = calendar.regular_holidays
        if regular is not None:
            found = regular.holidays(pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31), return_name=True)
            names.update({d.date(): str(n) for d, n in found.items()})
    return names


def non_trading_reason(day: dt.date, terms) -> str | None:
    """Why ``day`` is not a trading day of the deal, or None when it is one.

    A Saturday or Sunday, a holiday of the deal (the user's list, else the exchange calendar's, named when the
    calendar names it), or a day before the document date (no sale is made before the programme's prospectus).

    Examples
    --------
    >>> from model.deals.modern_atm import TERMS
    >>> non_trading_reason(dt.date(2025, 12, 25), TERMS), non_trading_reason(dt.date(2025, 3, 8), TERMS)
    ('an exchange holiday (Christmas) of XNYS', 'a Saturday')
    >>> non_trading_reason(dt.date(2025, 3, 7), TERMS) is None
    True
    """
    if day.weekday() >= 5:
        return f"a {day.strftime('%A')}"
    if day < terms.document_date:
        return f"before the document date {terms.document_date.isoformat()}"
    if terms.holidays is not None:
        return "a holiday of the terms' holidays list" if day in terms.holidays else None
    if day not in exchange_holidays(terms.exchange_calendar, day, day):
        return None
    name = _holiday_names(terms.exchange_calendar, day.year).get(day)
    return f"an exchange holiday{f' ({name})' if name else ' (a closure)'} of {terms.exchange_calendar}"
