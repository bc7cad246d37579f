#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""alerts.py - the alerts one output received, in a form that compares with cmp.

  alerts.py norm FILE       each line of FILE parsed as a JSON object, printed
                            back with sorted keys
  alerts.py http LOG        the bodies http_sink.py recorded, likewise; fails
                            unless every request was a POST to / with
                            Content-Type: application/json
  alerts.py syslog LOG      the messages syslog_sink.py recorded, likewise;
                            fails unless each came as "<PRI>... shrike[PID]: "
                            with PRI = facility daemon + the alert's priority

Exit status 1, with the reason on stderr, on the first line that is not a
JSON object: an output that mangles an alert fails here.
"""
import json
import re
import sys


def fail(msg):
    sys.stderr.write("alerts.py: %s\n" % msg)
    sys.exit(1)


def norm(text, where):
    try:
        obj = json.loads(text)
    except ValueError as e:
        fail("%s: not JSON (%s): %.200s" % (where, e, text))
    if not isinstance(obj, dict):
        fail("%s: not a JSON object: %.200s" % (where, text))
    return json.dumps(obj, sort_keys=True)


SYSLOG = re.compile(r"^<(\d+)>.*? shrike\[\d+\]: (.*)$", re.S)
LOG_DAEMON = 3 << 3
LEVELS = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"]


def main():
    if len(sys.argv) != 3:
        fail("usage: alerts.py norm|http|syslog FILE")
    cmd, path = sys.argv[1], sys.argv[2]
    with open(path, errors="replace") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    out = []
    for n, line in enumerate(lines, 1):
        where = "%s:%d" % (path, n)
        if cmd == "norm":
            out.append(norm(line, where))
        elif cmd == "http":
            req = json.loads(line)
            if req["method"] != "POST" or req["path"] != "/":
                fail("%s: %s %s, not POST /" % (where, req["method"], req["path"]))
            if req["content_type"] != "application/json":
                fail("%s: Content-Type %r" % (where, req["content_type"]))
            out.append(norm(req["body"], where))
        elif cmd == "syslog":
            m = SYSLOG.match(json.loads(line))
            if not m:
                fail("%s: not a shrike syslog message: %.200s" % (where, line))
            alert = norm(m.group(2), where)
            prio = json.loads(alert).get("priority")
            want = LOG_DAEMON + LEVELS.index(prio) if prio in LEVELS else None
            if int(m.group(1)) != want:
                fail("%s: <%s> for a %s alert, want <%s>" % (where, m.group(1), prio, want))
            out.append(alert)
        else:
            fail("unknown command %r" % cmd)
    for o in out:
        print(o)


if __name__ == "__main__":
    main()
