// Independent reading of .ics files with Mozilla's ical.js, the parser of
// Thunderbird. Usage: node parse_ics.mjs NODE_MODULES_DIR FILE...
// Prints JSON: {FILE: {"method": M, "events": {UID: {...}}}} with start and end
// as UTC instants. The file's VTIMEZONEs are registered first; an event whose
// time stays floating (an unknown TZID) gets an "error".
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), "noop.js"));
const ICAL = (await import(require.resolve("ical.js"))).default;

function utc(t) {
  return new Date(t.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
}

const out = {};
for (const file of files) {
  const comp = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  for (const vtz of comp.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtz);
  }
  const events = {};
  for (const ve of comp.getAllSubcomponents("vevent")) {
    const ev = new ICAL.Event(ve);
    const item = {
      start: utc(ev.startDate),
      end: utc(ev.endDate),
      summary: ev.summary || "",
      status: ve.getFirstPropertyValue("status") || "",
      sequence: ev.sequence || 0,
      location: ev.location || "",
      description: ev.description || "",
      url: ve.getFirstPropertyValue("url") || "",
    };
    for (const [name, t] of [["DTSTART", ev.startDate], ["DTEND", ev.endDate]]) {
      if (t.zone === ICAL.Timezone.localTimezone) {
        item.error = name + " is floating: its TZID has no VTIMEZONE";
      }
    }
    if (events[ev.uid]) item.error = "UID appears twice";
    events[ev.uid] = item;
  }
  out[file] = { method: comp.getFirstPropertyValue("method") || "", events };
  for (const vtz of comp.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.remove(vtz.getFirstPropertyValue("tzid"));
  }
}
process.stdout.write(JSON.stringify(out, null, 1));
