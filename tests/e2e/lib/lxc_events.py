#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""lxc_events.py - index the daemon's JSON for the 40-lxc-* VM tests.

  lxc_events.py EVENTS INDEX [PID ...]

Reads EVENTS (one JSON object per line) once and writes INDEX, tab-separated
"KEY<TAB>FIELD<TAB>VALUE" lines that a shell reads back with awk, so that a
test asks hundreds of questions for the price of one Python start (slow under
emulation). Keys:

  exec:MARKER   the execve events of "echo MARKER" (proc.cmdline); MARKER starts with "m-"
  open:PATH     the openat events whose fd.name is PATH, for PATH starting with "/shrike-"
  pid:PID       every event of process PID, for the PIDs named
  all:lxc       every event of an LXC process (container.type lxc); only the
                fields in NAME_FIELDS, to ask which names ever appeared

For each key: "#count" (number of events) and each field of the events, shown
the way events.py shows values (null, integers without a fraction). When the
events of one key disagree on a field, its value is every distinct value,
sorted and joined with "|", so a test expecting one value sees them all.
"""
import json
import sys

import events  # next to this file: python puts the script's folder on sys.path

NAME_FIELDS = ("container.name", "container.id", "user.name", "group.name", "user.loginname")


def show(v):
    # events.py's form, on one tab-separated line
    return events.show(v).replace("\t", " ").replace("\n", " ")


def keys_of(ev, pids):
    keys = []
    pid = show(ev.get("proc.pid"))
    if pid in pids:
        keys.append("pid:" + pid)
    if ev.get("container.type") == "lxc":
        keys.append("all:lxc")
    cmd = ev.get("proc.cmdline") or ""
    if ev.get("evt.type") == "execve" and cmd.startswith("echo m-") and " " not in cmd[5:]:
        keys.append("exec:" + cmd[5:])
    name = ev.get("fd.name") or ""
    if ev.get("evt.type") == "openat" and name.startswith("/shrike-"):
        keys.append("open:" + name)
    return keys


def main(argv):
    src, dst, pids = argv[1], argv[2], set(argv[3:])
    index = {}
    bad = 0
    with open(src, errors="replace") as f:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if not isinstance(ev, dict):
                bad += 1
                continue
            for key in keys_of(ev, pids):
                ent = index.setdefault(key, {"#count": 0})
                ent["#count"] += 1
                for field, value in ev.items():
                    if key.startswith("all:") and field not in NAME_FIELDS:
                        continue
                    ent.setdefault(field, set()).add(show(value))
    with open(dst, "w") as out:
        out.write("#\t#bad\t%d\n" % bad)
        for key in sorted(index):
            for field, vals in sorted(index[key].items()):
                if field == "#count":
                    value = str(vals)
                else:
                    value = "|".join(sorted(vals))
                out.write("%s\t%s\t%s\n" % (key, field, value))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
