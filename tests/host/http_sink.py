#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in for falcosidekick: records what shrike's HTTP output POSTs.

usage: http_sink.py PORTFILE LOGFILE [--delay SECONDS] [--status CODE]
                   [--fail-first N [--fail-status CODE]]
                   [--tls CERT KEY [--client-ca CA]]

Listens on 127.0.0.1 (a free port, written to PORTFILE once listening) and
appends one JSON line per request to LOGFILE:
  {"method": ..., "path": ..., "content_type": ..., "user_agent": ...,
   "client": <the client certificate's CN, or null>, "status": <answered>,
   "body": "<raw body>"}
--delay makes every answer that late (a slow collector); --status answers
with that code instead of 200; --fail-first answers the first N requests
with --fail-status (default 503: a collector that is away, then back).
--tls serves HTTPS with that certificate and key; --client-ca also requires
a client certificate signed by CA (mutual TLS). Each failed TLS handshake
appends its reason to LOGFILE.tls.
"""
import argparse
import json
import os
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
lock = threading.Lock()
requests = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        self.client_cn = None
        if isinstance(self.request, ssl.SSLSocket):
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError) as e:
                with lock, open(args.log + ".tls", "a") as f:
                    f.write("%s\n" % e)
                raise
            cert = self.request.getpeercert()
            for rdn in (cert or {}).get("subject", ()):
                for key, value in rdn:
                    if key == "commonName":
                        self.client_cn = value
        super().setup()
        # answer at once: headers and body are two writes, and Nagle would
        # hold the second until the client's delayed ACK (40 ms a request)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _record(self, body, status):
        rec = {
            "method": self.command,
            "path": self.path,
            "content_type": self.headers.get("Content-Type"),
            "user_agent": self.headers.get("User-Agent"),
            "client": self.client_cn,
            "status": status,
            "body": body.decode("utf-8", "replace"),
        }
        with open(args.log, "a") as f:
            f.write(json.dumps(rec) + "\n")

    def _answer(self):
        global requests
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if args.delay:
            time.sleep(args.delay)
        with lock:
            requests += 1
            status = args.fail_status if requests <= args.fail_first else args.status
            self._record(body, status)
        self.send_response(status)
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
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-status", type=int, default=503)
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--client-ca")
    args = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*args.tls)
        if args.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.client_ca)
        # the handshake in the request's thread: a client that fails it
        # must not hold up the others
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
