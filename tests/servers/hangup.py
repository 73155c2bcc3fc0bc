#!/usr/bin/python3
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
hangup.py: a Unix socket that accepts every connection and closes it at
once, unread: what a client sees of a vigild that is full or stopping.
Writes --ready once listening; exits when stdin closes.
"""
import argparse
import os
import socket
import sys
import threading

p = argparse.ArgumentParser()
p.add_argument("--socket", required=True)
p.add_argument("--ready", required=True)
args = p.parse_args()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(args.socket)
s.listen(64)


def serve():
    while True:
        c, _ = s.accept()
        c.close()


threading.Thread(target=serve, daemon=True).start()
open(args.ready, "w").close()
while sys.stdin.buffer.read(4096):
    pass
os.unlink(args.socket)
