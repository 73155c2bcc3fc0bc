#!/usr/bin/python3
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
notifysock.py: systemd's side of sd_notify(3), for vigil's tests: a
datagram socket at --socket whose messages are appended to --log, one per
line (a message's own newlines become "|").  Writes --port-file ("ready")
once listening, and exits when its standard input closes, like the other
test servers.
"""
import argparse
import os
import select
import socket
import sys

p = argparse.ArgumentParser()
p.add_argument("--port-file", required=True)
p.add_argument("--socket", required=True)
p.add_argument("--log", required=True)
args = p.parse_args()
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(args.socket)
with open(args.port_file + ".tmp", "w") as f:
    f.write("ready\n")
os.rename(args.port_file + ".tmp", args.port_file)
while True:
    ready, _, _ = select.select([sock, sys.stdin], [], [])
    if sys.stdin in ready and not sys.stdin.buffer.read1(4096):
        break
    if sock in ready:
        msg = sock.recv(4096).decode("utf-8", "replace")
        with open(args.log, "a") as f:
            f.write(msg.replace("\n", "|") + "\n")
