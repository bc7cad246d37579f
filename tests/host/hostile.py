#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""hostile.py - a capture whose processes and containers say hostile things.

  hostile.py CTX_SIZE IN.scap OUT.scap   rewrite a capture (docs/CAPTURE.md)
  hostile.py safe FILE                   fail unless every line of FILE is
                                         valid UTF-8 without a control
                                         character (C0, DEL, C1) or a line
                                         or bidirectional control character
  hostile.py text FILE                   in how many lines the hostile
                                         values appear escaped, unescaped
                                         back to their exact bytes:
                                         "cmdline=N user=N container=N"
  hostile.py json FILE                   the same for JSON lines (alerts'
                                         output_fields or -A events), each
                                         value as valid UTF-8 with U+FFFD
                                         for each invalid byte

CTX_SIZE is sizeof(struct shrike_proc_ctx). Every process of the /proc
snapshot (PROC blocks) gets ARGV as its argument vector and COMM as its
name, and every user and container name (SIDE blocks) becomes USER and
CONTAINER: what a process chooses for its command line and what a container
writes in its /etc/passwd or names its cgroups. They hold terminal escapes
(CSI, OSC, C1 CSI), a forged log line, carriage returns, a right-to-left
override, invalid UTF-8 (stray continuation bytes, an overlong, a surrogate,
a truncated sequence) and backslashes, around valid multibyte text that
must come out unchanged.
"""
import json
import re
import struct
import sys

HEADER = 136
PROC, SIDE = 2, 3
SIDE_CONTAINER_NAME, SIDE_USER_NAME = 1, 3

ARGV = [
    b"sh",
    b"-c",
    b"id\x1b[2J\x1b[H\nshrike: 00:00:00.000000000: Critical forged line\r\x07\x7f"
    b"\xc2\x9b" b"31m\xe2\x80\xae" b"caf\xc3\xa9 \\x41 \xff\xc0\xaf\xed\xa0\x80\xe2\x82",
]
COMM = b"x\x1b]0;t\x07\n\xff"          # 10 bytes: fits comm[16] with its NUL
USER = b"evil\x1b]0;owned\x07\nroot \xe2\x80\xa8\xf0\x9f\x98\x80\x80"
CONTAINER = b"box\r\x1b[31m\\n\xc3"


def put_str(b):
    return struct.pack("<I", len(b)) + b


def get_str(p, off):
    (n,) = struct.unpack_from("<I", p, off)
    if n == 0xFFFFFFFF:
        return None, off + 4
    return p[off + 4:off + 4 + n], off + 4 + n


def proc_block(p, ctx_size):
    pid, has_ctx = struct.unpack_from("<II", p, 0)
    ctx = bytearray(p[8:8 + ctx_size])
    off = 8 + ctx_size
    exe, off = get_str(p, off)
    cwd, off = get_str(p, off)
    args, off = get_str(p, off)
    if off != len(p):
        sys.exit("hostile.py: PROC block of pid %d: %d bytes left over: wrong CTX_SIZE?" % (pid, len(p) - off))
    ctx[ctx_size - 16:] = COMM + bytes(16 - len(COMM))
    out = struct.pack("<II", pid, has_ctx) + bytes(ctx)
    for s in (exe, cwd):
        out += struct.pack("<I", 0xFFFFFFFF) if s is None else put_str(s)
    return out + put_str(b"\0".join(ARGV) + b"\0")


def side_block(p):
    pid, n = struct.unpack_from("<II", p, 0)
    off, vals = 8, []
    for _ in range(n):
        v, off = get_str(p, off)
        vals.append(v)
    if off != len(p):
        sys.exit("hostile.py: malformed SIDE block of pid %d" % pid)
    vals[SIDE_CONTAINER_NAME] = CONTAINER
    vals[SIDE_USER_NAME] = USER
    out = struct.pack("<II", pid, n)
    for v in vals:
        out += struct.pack("<I", 0xFFFFFFFF) if v is None else put_str(v)
    return out


# proc.cmdline is the name, then the arguments after argv[0]
CMDLINE = COMM + b" " + b" ".join(ARGV[1:])
HAZARDS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
ESCAPE = re.compile(rb"\\(\\|n|r|t|x[0-9a-f]{2})")


def unescape(line):
    """What esc_text was given (lib/escape.h)."""
    def one(m):
        e = m.group(1)
        return {b"\\": b"\\", b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(e) or bytes([int(e[1:], 16)])
    return ESCAPE.sub(one, line)


def as_json(b):
    """What esc_utf8 makes of b: U+FFFD for each byte that is not valid UTF-8."""
    return re.sub("[\udc80-\udcff]", "\ufffd", b.decode("utf-8", "surrogateescape"))


def lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")[:-1]


def check_safe(path):
    for n, raw in enumerate(lines(path), 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            sys.exit("%s:%d: not UTF-8 (%s): %r" % (path, n, e, raw[:200]))
        m = HAZARDS.search(text)
        if m:
            sys.exit("%s:%d: U+%04X at column %d: %r" % (path, n, ord(m.group()), m.start(), raw[:200]))


def count_text(path):
    got = {"cmdline": 0, "user": 0, "container": 0}
    for raw in lines(path):
        plain = unescape(raw)
        got["cmdline"] += CMDLINE in plain
        got["user"] += USER in plain
        got["container"] += CONTAINER in plain
    print(" ".join("%s=%d" % kv for kv in got.items()))


def count_json(path):
    want = {"cmdline": ("proc.cmdline", as_json(CMDLINE)), "user": ("user.name", as_json(USER)),
            "container": ("container.name", as_json(CONTAINER))}
    got = {k: 0 for k in want}
    for n, raw in enumerate(lines(path), 1):
        try:
            obj = json.loads(raw.decode("utf-8"))
        except ValueError as e:
            sys.exit("%s:%d: not UTF-8 JSON (%s): %r" % (path, n, e, raw[:200]))
        fields = obj.get("output_fields", obj)
        for k, (name, value) in want.items():
            got[k] += fields.get(name) == value
    print(" ".join("%s=%d" % kv for kv in got.items()))


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ("safe", "text", "json"):
        {"safe": check_safe, "text": count_text, "json": count_json}[sys.argv[1]](sys.argv[2])
        return
    ctx_size, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    data = open(src, "rb").read()
    out = bytearray(data[:HEADER])
    off = HEADER
    counts = {PROC: 0, SIDE: 0}
    while off + 8 <= len(data):
        kind, n = struct.unpack_from("<II", data, off)
        p = data[off + 8:off + 8 + n]
        if kind == PROC:
            p = proc_block(p, ctx_size)
        elif kind == SIDE:
            p = side_block(p)
        counts[kind] = counts.get(kind, 0) + 1
        out += struct.pack("<II", kind, len(p)) + p
        out += bytes(-len(out) % 8)
        off += 8 + n + (-n % 8)
    if not counts[PROC] or not counts[SIDE]:
        sys.exit("hostile.py: %s has no PROC or no SIDE block" % src)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
