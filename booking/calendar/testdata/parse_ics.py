#!/usr/bin/env python3
"""Independent reading of .ics files with Python's icalendar (Debian python3-icalendar).

Usage: parse_ics.py FILE...  Prints JSON: {FILE: {"method": M, "events": {UID: {...}}}}
with each event's start and end as UTC instants (RFC 3339, Z). A TZID is read
twice, by its IANA name (pytz) and by the file's own VTIMEZONE (to_tz); if the
two disagree the event gets an "error", so a wrong VTIMEZONE cannot pass."""
import datetime
import json
import sys

import icalendar


def utc(dt):
    if not isinstance(dt, datetime.datetime):
        raise ValueError("not a date-time: %r" % (dt,))
    if dt.tzinfo is None:
        raise ValueError("floating time: %r" % (dt,))
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(paths):
    out = {}
    for path in paths:
        with open(path, "rb") as f:
            cal = icalendar.Calendar.from_ical(f.read())
        zones = {}
        for tz in cal.walk("VTIMEZONE"):
            zones[str(tz["TZID"])] = tz.to_tz()
        events = {}
        for ev in cal.walk("VEVENT"):
            uid = str(ev["UID"])
            item = {"summary": str(ev.get("SUMMARY", "")), "status": str(ev.get("STATUS", "")),
                    "sequence": int(ev.get("SEQUENCE", 0)), "location": str(ev.get("LOCATION", "")),
                    "description": str(ev.get("DESCRIPTION", "")), "url": str(ev.get("URL", ""))}
            for key in ("DTSTART", "DTEND"):
                prop = ev[key]
                item[key.lower()[2:]] = utc(prop.dt)
                tzid = prop.params.get("TZID")
                if tzid:
                    if tzid not in zones:
                        item["error"] = "no VTIMEZONE for " + tzid
                        continue
                    naive = datetime.datetime.strptime(ev[key].to_ical().decode(), "%Y%m%dT%H%M%S")
                    tz = zones[tzid]
                    # pytz zones (icalendar 4) localize; zoneinfo ones (icalendar 6) are attached.
                    local = tz.localize(naive) if hasattr(tz, "localize") else naive.replace(tzinfo=tz)
                    by_vtimezone = utc(local)
                    if by_vtimezone != item[key.lower()[2:]]:
                        item["error"] = "%s: VTIMEZONE gives %s, the zone database %s" % (
                            key, by_vtimezone, item[key.lower()[2:]])
            if uid in events:
                item["error"] = "UID appears twice"
            events[uid] = item
        out[path] = {"method": str(cal.get("METHOD", "")), "events": events}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
