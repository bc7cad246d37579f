#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in for falcosidekick: records what shrike's HTTP output POSTs.

usage: http_sink.py PORTFILE LOGFILE [--delay SECONDS] [--status CODE]

Listens on 127.0.0.1 (a free port, written to PORTFILE once listening) and
appends one JSON line per request to LOGFILE:
  {"method": ..., "path": ..., "content_type": ..., "body": "<raw body>"}
--delay makes every answer that late (a slow collector); --status answers
with that code instead of 200.
"""
import argparse
import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # answer at once: headers and body are two writes, and Nagle would
        # hold the second until the client's delayed ACK (40 ms a request)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _record(self, body):
        rec = {
            "method": self.command,
            "path": self.path,
            "content_type": self.headers.get("Content-Type"),
            "user_agent": self.headers.get("User-Agent"),
            "body": body.decode("utf-8", "replace"),
        }
        with lock, open(args.log, "a") as f:
            f.write(json.dumps(rec) + "\n")

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if args.delay:
            time.sleep(args.delay)
        self._record(body)
        self.send_response(args.status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_POST = _answer
    do_PUT = _answer

    def log_message(self, fmt, *a):
        pass


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("portfile")
    p.add_argument("log")
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--status", type=int, default=200)
    args = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
