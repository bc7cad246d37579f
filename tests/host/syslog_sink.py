#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in for the syslog daemon: usage: syslog_sink.py SOCKET LOGFILE

Binds a Unix datagram socket at SOCKET (normally /dev/log, where syslog(3)
writes), writes READY to LOGFILE.ready once bound and appends each message
received to LOGFILE as one JSON string per line.
"""
import json
import os
import socket
import sys


def main():
    path, log = sys.argv[1], sys.argv[2]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    with open(log + ".ready", "w") as f:
        f.write("READY\n")
    while True:
        data = s.recv(65536)
        with open(log, "a") as f:
            f.write(json.dumps(data.decode("utf-8", "replace")) + "\n")


if __name__ == "__main__":
    main()
