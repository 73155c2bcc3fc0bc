#!/usr/bin/python3
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
httpd.py: a real HTTP server (the standard library's) standing in for an SMS
gateway and for GOV.UK Notify in vigil's tests.

Listens on 127.0.0.1 at a port the kernel picks and writes it to
--port-file once listening.  Every request is appended to --log as one JSON
line (method, path, headers, body) *before* the reply is sent, so a client
that has its reply can read its request back.  Exits when stdin closes.

With --tls FOLDER it speaks HTTPS, with a self-signed certificate it makes
there.  Each request's record says which connection it came on (a number
counting from 1), so a test can tell a kept-alive connection from new ones.

What it replies is chosen by the path the client was configured with:
  /status/NNN/...   reply NNN
  /retry-after/N/... reply 429 with "Retry-After: N" to the first request
                    under that path, 200 to the ones after
  /say/WORD/...     reply 200 {"status": "WORD"}
  /slow/...         never reply (for timeouts)
  anything else     200 for a gateway; Notify (/v2/notifications/) gets 201
Under /v2/notifications/ it checks the request as Notify does: a Bearer JSON
Web Token, HS256-signed with the secret of --notify-key, issued (iss) by its
service id, dated (iat) within 30 seconds; then the JSON body's fields.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # nothing left in the source tree
from certs import make_cert  # noqa: E402

LOCK = threading.Lock()
ARGS = None
STOP = threading.Event()
CONNECTIONS = [0]
RETRY_AFTER_SEEN = set()


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def notify_error(status, kind, message):
    return status, {"errors": [{"error": kind, "message": message}],
                    "status_code": status}


def check_jwt(auth):
    """None if the token is good, else (status, body) as Notify says."""
    key = ARGS.notify_key
    service, secret = key[-73:-37], key[-36:]
    if not auth or not auth.startswith("Bearer "):
        return notify_error(401, "AuthError", "Unauthorized: authentication "
                            "token must be provided")
    parts = auth[7:].split(".")
    if len(parts) != 3:
        return notify_error(403, "AuthError", "Invalid token: not a JWT")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        sig = b64url_decode(parts[2])
    except ValueError:
        return notify_error(403, "AuthError", "Invalid token: bad encoding")
    if header.get("alg") != "HS256" or header.get("typ") != "JWT":
        return notify_error(403, "AuthError", "Invalid token: algorithm")
    want = hmac.new(secret.encode(), (parts[0] + "." + parts[1]).encode(),
                    hashlib.sha256).digest()
    if not hmac.compare_digest(want, sig):
        return notify_error(403, "AuthError", "Invalid token: signature, "
                            "api token not found")
    if claims.get("iss") != service:
        return notify_error(403, "AuthError", "Invalid token: iss field "
                            "not provided or not the service")
    iat = claims.get("iat")
    if not isinstance(iat, int) or abs(time.time() - iat) > 30:
        return notify_error(403, "AuthError", "Error: Your system clock "
                            "must be accurate to within 30 seconds")
    return None


def notify_reply(path, body):
    try:
        req = json.loads(body)
    except ValueError:
        return notify_error(400, "ValidationError", "not JSON")
    sms = path.endswith("/v2/notifications/sms")
    need = ["phone_number" if sms else "email_address", "template_id"]
    for field in need:
        if not isinstance(req.get(field), str):
            return notify_error(400, "ValidationError",
                                field + " is a required property")
    ident = str(uuid.uuid4())
    return 201, {"id": ident, "reference": req.get("reference"),
                 "content": {"body": req.get("personalisation", {})
                             .get("body", "")},
                 "uri": "/v2/notifications/" + ident,
                 "template": {"id": req["template_id"], "version": 1}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body go in two writes: without this, Nagle's
        # algorithm holds the body until the client's delayed ACK (40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with LOCK:
            CONNECTIONS[0] += 1
            self.connection_id = CONNECTIONS[0]

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "surrogateescape")
        record = {"method": self.command, "path": self.path,
                  "headers": {k.lower(): v for k, v in self.headers.items()},
                  "body": body, "connection": self.connection_id,
                  "time": time.time()}
        with LOCK:
            with open(ARGS.log, "a") as f:
                f.write(json.dumps(record) + "\n")
        path = self.path
        status, reply = 200, {"status": "ok"}
        if path.startswith("/slow/"):
            STOP.wait(120)
            return
        if path.startswith("/say/"):
            reply = {"status": path.split("/")[2]}
        forced = None
        extra = {}
        if path.startswith("/retry-after/"):
            prefix = "/".join(path.split("/")[:3])
            with LOCK:
                first = prefix not in RETRY_AFTER_SEEN
                RETRY_AFTER_SEEN.add(prefix)
            if first:
                forced = 429
                extra["Retry-After"] = path.split("/")[2]
                reply = {"status": "slow down"}
        if path.startswith("/status/"):
            forced = int(path.split("/")[2])
            reply = {"status": "forced"}
        if "/v2/notifications/" in path and ARGS.notify_key:
            bad = check_jwt(self.headers.get("Authorization"))
            if bad:
                status, reply = bad
            elif forced:
                status, reply = notify_error(
                    forced, {400: "BadRequestError", 403: "AuthError",
                             429: "RateLimitError"}.get(forced, "Exception"),
                    "told to fail with %d" % forced)
            else:
                status, reply = notify_reply(path, body)
        elif forced:
            status = forced
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = handle_any


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--notify-key")
    p.add_argument("--tls", help="folder for a self-signed certificate")
    ARGS = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if ARGS.tls:
        cert, key = make_cert(ARGS.tls, "DNS:localhost,IP:127.0.0.1")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, ARGS.port_file)
    # Stop when the test that started us goes away.
    while sys.stdin.buffer.read(4096):
        pass
    STOP.set()
    server.shutdown()


if __name__ == "__main__":
    main()
