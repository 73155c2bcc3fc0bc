#!/usr/bin/python3
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
stall.py: a server that accepts TCP connections and never says a word, like
a mail server that has hung.  Same conventions as smtpd.py: writes its port
to --port-file, listens on --port (0: the kernel picks), exits when its
standard input closes.
"""
import argparse
import os
import socket
import sys
import threading

p = argparse.ArgumentParser()
p.add_argument("--port-file", required=True)
p.add_argument("--port", type=int, default=0)
args = p.parse_args()
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", args.port))
sock.listen(16)
held = []


def accept():
    while True:
        conn, _ = sock.accept()
        held.append(conn)          # keep it open, say nothing


threading.Thread(target=accept, daemon=True).start()
with open(args.port_file + ".tmp", "w") as f:
    f.write("%d\n" % sock.getsockname()[1])
os.rename(args.port_file + ".tmp", args.port_file)
while sys.stdin.buffer.read(4096):
    pass
