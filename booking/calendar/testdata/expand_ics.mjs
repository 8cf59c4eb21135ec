// Independent expansion of recurring events with Mozilla's ical.js, as
// Thunderbird expands them: RRULE, EXDATE, and overrides by RECURRENCE-ID.
// Usage: node expand_ics.mjs NODE_MODULES_DIR FILE...
// Prints JSON: {FILE: {"method": M, "occurrences": [{uid, start, end, status,
// recurrence_id}]}} with instants in UTC, ordered by start.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), "noop.js"));
const ICAL = (await import(require.resolve("ical.js"))).default;

const utc = (t) => new Date(t.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");

const out = {};
for (const file of files) {
  const comp = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  for (const vtz of comp.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtz);
  }
  const masters = {};
  const overrides = [];
  for (const ve of comp.getAllSubcomponents("vevent")) {
    const ev = new ICAL.Event(ve);
    if (ev.isRecurrenceException()) overrides.push(ev);
    else masters[ev.uid] = ev;
  }
  const occurrences = [];
  for (const ev of overrides) {
    if (masters[ev.uid]) masters[ev.uid].relateException(ev);
    else occurrences.push({ uid: ev.uid, start: utc(ev.startDate), end: utc(ev.endDate),
      status: ev.component.getFirstPropertyValue("status") || "", recurrence_id: utc(ev.recurrenceId) });
  }
  for (const ev of Object.values(masters)) {
    if (!ev.isRecurring()) {
      occurrences.push({ uid: ev.uid, start: utc(ev.startDate), end: utc(ev.endDate),
        status: ev.component.getFirstPropertyValue("status") || "", recurrence_id: "" });
      continue;
    }
    const it = ev.iterator();
    for (let next, n = 0; (next = it.next()) && n < 200; n++) {
      const d = ev.getOccurrenceDetails(next);
      occurrences.push({ uid: ev.uid, start: utc(d.startDate), end: utc(d.endDate),
        status: d.item.component.getFirstPropertyValue("status") || "", recurrence_id: utc(d.recurrenceId) });
    }
  }
  occurrences.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  out[file] = { method: comp.getFirstPropertyValue("method") || "", occurrences };
  for (const vtz of comp.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.remove(vtz.getFirstPropertyValue("tzid"));
  }
}
process.stdout.write(JSON.stringify(out, null, 1));
