#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""events.py - questions about a file of shrike JSON lines, for VM tests.

  events.py FILE count [FIELD=VALUE ...]      number of matching events
  events.py FILE get FIELD [FIELD=VALUE ...]  FIELD of the only match, or "<N matches>"
  events.py FILE ordered                      "ok" if evt.time never goes back
  events.py FILE distinct FIELD [FIELD=VALUE ...]  sorted distinct values of FIELD
  events.py FILE bad                          lines that are not JSON objects
  events.py FILE expect EXPECTFILE            a TAP line per "EXPECT n field=value..." line
                                              (n 1: one such event, in order; n 0: none)
  events.py FILE batch QUERYFILE   one answer line per query line "CMD\x1fARG\x1f...\x1f"
                                   (CMD: count, get or distinct; the file is read once)

A VALUE is compared with the field printed the way `get` prints it: JSON null
is "null", numbers without a fraction as integers, strings as they are.
A FIELD~VALUE filter matches when VALUE is a substring.
Alerts (the lines with a "rule" key) nest the fields their output names in
"output_fields": name those as output_fields.FIELD, e.g.
  events.py FILE count "rule=Shell spawned in a container" output_fields.user.name=alice
A filter is one argument, so a VALUE may contain blanks when quoted.
"""
import json
import sys


def show(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def load(path):
    events, bad = [], 0
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if isinstance(obj, dict):
                events.append(obj)
            else:
                bad += 1
    return events, bad


def lookup(ev, k):
    """ev[k], or for output_fields.FIELD the FIELD of an alert's output_fields."""
    if k not in ev and k.startswith("output_fields."):
        nested = ev.get("output_fields")
        if isinstance(nested, dict):
            return nested.get(k[len("output_fields."):])
    return ev.get(k)


def matches(ev, filters):
    for f in filters:
        if "~" in f and ("=" not in f or f.index("~") < f.index("=")):
            k, v = f.split("~", 1)
            if v not in show(lookup(ev, k)):
                return False
        else:
            k, v = f.split("=", 1)
            if show(lookup(ev, k)) != v:
                return False
    return True


def answer(events, cmd, rest):
    """count, get or distinct as one string, for batch"""
    if cmd == "count":
        return str(sum(1 for e in events if matches(e, rest)))
    if cmd == "get":
        hits = [e for e in events if matches(e, rest[1:])]
        return show(lookup(hits[0], rest[0])) if len(hits) == 1 else "<%d matches>" % len(hits)
    if cmd == "distinct":
        return " ".join(sorted({show(lookup(e, rest[0])) for e in events if matches(e, rest[1:])}))
    return "unknown command " + cmd


def main(argv):
    path, cmd, rest = argv[1], argv[2], argv[3:]
    events, bad = load(path)
    if cmd == "count":
        print(sum(1 for e in events if matches(e, rest)))
    elif cmd == "get":
        hits = [e for e in events if matches(e, rest[1:])]
        print(show(lookup(hits[0], rest[0])) if len(hits) == 1 else "<%d matches>" % len(hits))
    elif cmd == "distinct":
        vals = sorted({show(lookup(e, rest[0])) for e in events if matches(e, rest[1:])})
        print(" ".join(vals))
    elif cmd == "ordered":
        last = ""
        for e in events:
            t = e.get("evt.time") or ""
            if t < last:
                print("evt.num %s at %s is before %s" % (e.get("evt.num"), t, last))
                return 0
            last = t
        print("ok")
    elif cmd == "expect":
        # lines "EXPECT n field=value ..." from a helper, in the order the
        # helper made the syscalls: each must be matched by an event of its
        # thread and type after the one that matched the previous expectation
        # of that kind (so repeated fds and paths stay unambiguous)
        pos = {}
        with open(rest[0]) as f:
            for line in f:
                words = line.split()
                if not words or words[0] != "EXPECT":
                    continue
                filters = words[2:]
                if words[1] == "0":	# no such event at all (its result aside)
                    some = [x for x in filters if not x.startswith("evt.res=")]
                    n = sum(1 for e in events if matches(e, some))
                    print("%s - none: %s%s" % ("ok" if n == 0 else "not ok", " ".join(some),
                                              "" if n == 0 else " (%d)" % n))
                    continue
                key = tuple(filters[:2])
                start = pos.get(key, 0)
                hit = next((i for i in range(start, len(events))
                            if matches(events[i], filters)), None)
                if hit is None:
                    hit = next((i for i in range(start, len(events))
                                if matches(events[i], filters[:2])), None)
                desc = " ".join(filters)
                if hit is not None and matches(events[hit], filters):
                    pos[key] = hit + 1
                    print("ok - %s" % desc)
                else:
                    print("not ok - %s" % desc)
                    if hit is not None:
                        near = json.dumps(events[hit], sort_keys=True)
                        print("#   next of its kind: " + near[:600])
    elif cmd == "batch":
        # python starts slowly in an emulated VM: many questions, one run
        with open(rest[0]) as f:
            for line in f:
                words = line.rstrip("\n").split("\x1f")
                if words and words[-1] == "":
                    words.pop()
                print(answer(events, words[0], words[1:]).replace("\n", " "))
    elif cmd == "bad":
        print(bad)
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
