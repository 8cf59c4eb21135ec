#!/usr/bin/env python3
"""Independent expansion of recurring events with Python's recurring-ical-events
(Debian python3-recurring-ical-events, on icalendar): RRULE, EXDATE and
overrides by RECURRENCE-ID, as Google's and Outlook's readers apply them.

Usage: expand_ics.py FILE...  Prints JSON: {FILE: {"method": M, "occurrences":
[{uid, start, end, status, recurrence_id}]}} with instants in UTC, ordered by start.
A message with overrides only (no master) lists them as they are."""
import datetime
import json
import sys

import icalendar
import recurring_ical_events


def utc(dt):
    if dt is None:
        return ""
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(paths):
    out = {}
    for path in paths:
        with open(path, "rb") as f:
            cal = icalendar.Calendar.from_ical(f.read())
        events = cal.walk("VEVENT")
        occ = []
        if any("RRULE" in e for e in events):
            found = recurring_ical_events.of(cal).between(datetime.datetime(2000, 1, 1), datetime.datetime(2037, 1, 1))
        else:
            found = events
        for e in found:
            rid = e.get("RECURRENCE-ID")
            occ.append({"uid": str(e["UID"]), "start": utc(e["DTSTART"].dt), "end": utc(e["DTEND"].dt),
                        "status": str(e.get("STATUS", "")), "recurrence_id": utc(rid.dt) if rid is not None else ""})
        occ.sort(key=lambda o: o["start"])
        out[path] = {"method": str(cal.get("METHOD", "")), "occurrences": occ}
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
