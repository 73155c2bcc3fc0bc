#!/usr/bin/python3
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
hooks.py: a webhook receiver as a CMS would write one from the Standard
Webhooks specification (standardwebhooks.com), for vigil's tests; it shares
no code with vigil.

Listens on 127.0.0.1 at a port the kernel picks and writes it to
--port-file once listening; exits when stdin closes.  For each POST it
checks webhook-signature: any of its space-separated "v1,BASE64" values
must equal the base64 of HMAC-SHA256, keyed with the base64-decoded
--secret (after "whsec_"), over "webhook-id.webhook-timestamp.body", and
the timestamp must be within five minutes of now.  A good request gets
204, a bad one 401.  Every request is appended to --log as a JSON line
(id, timestamp, path, verified, status, body) before the reply is sent.

While the file --hold names exists, a request to /vigil is logged with
status "held" and never answered, so a test can stop vigild with a
webhook on its way.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
STOP = threading.Event()
TOLERANCE = 5 * 60


def verify(key, headers, body):
    msg_id = headers.get("webhook-id")
    ts = headers.get("webhook-timestamp")
    sigs = headers.get("webhook-signature")
    if not msg_id or not ts or not sigs:
        return False
    try:
        if abs(time.time() - int(ts)) > TOLERANCE:
            return False
    except ValueError:
        return False
    want = base64.b64encode(hmac.new(
        key, ("%s.%s." % (msg_id, ts)).encode() + body,
        hashlib.sha256).digest()).decode()
    for sig in sigs.split(" "):
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value, want):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        ok = verify(ARGS.key, headers, body)
        held = (ARGS.hold and self.path == "/vigil" and
                os.path.exists(ARGS.hold))
        status = "held" if held else 204 if ok else 401
        record = {"id": headers.get("webhook-id"),
                  "timestamp": headers.get("webhook-timestamp"),
                  "path": self.path, "verified": ok, "status": status,
                  "content_type": headers.get("content-type"),
                  "body": body.decode("utf-8", "replace")}
        with LOCK:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps(record) + "\n")
        if held:
            STOP.wait(600)
            return
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--hold")
    ARGS = p.parse_args()
    secret = ARGS.secret
    if secret.startswith("whsec_"):
        secret = secret[len("whsec_"):]
    ARGS.key = base64.b64decode(secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, ARGS.port_file)
    sys.stdin.read()
    STOP.set()


if __name__ == "__main__":
    main()
