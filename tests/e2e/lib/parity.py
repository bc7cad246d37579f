#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""parity.py A.json B.json BEGIN END: two daemons' JSON of the same moment
(one per driver), compared event by event.

Only what both saw counts: events from the exec of "echo BEGIN" to the exec
of "echo END" in each stream, minus each daemon's own process (the other
daemon reports it; neither reports itself). Events are matched per thread, in
order; a matched pair must be equal field for field, except evt.num (each
stream counts its own), evt.time (each driver stamps its record) and evt.cpu.

Prints "events N", "threads N", "differ N", "only_a N", "only_b N", then at
most 10 differences as "# ..." lines.
"""
import json
import sys

VOLATILE = {"evt.num", "evt.time", "evt.cpu"}


def load(path, begin, end):
    evs, on = [], False
    for line in open(path, errors="replace"):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if not isinstance(e, dict):
            continue
        if "rule" in e:			# alerts: compared through their events
            continue
        cmd = e.get("proc.cmdline")
        if e.get("evt.type") in ("execve", "execveat") and cmd == "echo " + begin:
            on = True
        if on:
            evs.append(e)
        if e.get("evt.type") in ("execve", "execveat") and cmd == "echo " + end:
            break
    return evs


def by_thread(evs, skip_pids):
    out = {}
    for e in evs:
        if e.get("proc.pid") in skip_pids:
            continue
        out.setdefault(e.get("proc.tid"), []).append(e)
    return out


def strip(e):
    return {k: v for k, v in e.items() if k not in VOLATILE}


def main(argv):
    a_path, b_path, begin, end = argv[1:5]
    skip = {int(p) for p in argv[5:]}
    a, b = load(a_path, begin, end), load(b_path, begin, end)
    ta, tb = by_thread(a, skip), by_thread(b, skip)
    n = differ = only_a = only_b = 0
    notes = []
    for tid in sorted(set(ta) | set(tb), key=lambda t: (t is None, t)):
        xa, xb = ta.get(tid, []), tb.get(tid, [])
        for i in range(max(len(xa), len(xb))):
            if i >= len(xb):
                only_a += 1
                notes.append("only in A: tid %s %s" % (tid, xa[i].get("evt.type")))
                continue
            if i >= len(xa):
                only_b += 1
                notes.append("only in B: tid %s %s" % (tid, xb[i].get("evt.type")))
                continue
            n += 1
            sa, sb = strip(xa[i]), strip(xb[i])
            if sa != sb:
                differ += 1
                keys = sorted(k for k in set(sa) | set(sb) if sa.get(k) != sb.get(k))
                notes.append("tid %s %s: %s" % (tid, sa.get("evt.type"), "; ".join(
                    "%s A=%r B=%r" % (k, sa.get(k), sb.get(k)) for k in keys[:4])))
    print("events %d" % n)
    print("threads %d" % len(set(ta) | set(tb)))
    print("differ %d" % differ)
    print("only_a %d" % only_a)
    print("only_b %d" % only_b)
    for line in notes[:10]:
        print("# " + line[:400])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
