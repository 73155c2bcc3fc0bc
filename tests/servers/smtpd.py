#!/usr/bin/python3
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
smtpd.py: a real SMTP server (Debian's python3-aiosmtpd) for vigil's tests.

It listens on 127.0.0.1 at a port the kernel picks, writes that port to
--port-file once it accepts connections (the test polls for the file), keeps
each message it accepts as one JSON file in --spool, and exits when its
standard input closes, so it never outlives the test that started it.

Must run as /usr/bin/python3: aiosmtpd is a Debian package.
"""
import argparse
import asyncio
import json
import logging
import os
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

sys.dont_write_bytecode = True  # nothing left in the source tree
from certs import make_cert  # noqa: E402


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


class Handler:
    def __init__(self, args):
        self.args = args
        # Go on after what an earlier server left in the same spool.
        self.count = len([n for n in os.listdir(args.spool)
                          if n.endswith(".json")])

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.args.mail_reply:
            return self.args.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        for rule in self.args.rcpt_reply:
            who, _, reply = rule.partition("=")
            if who == address:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.data_delay:
            # A test may wait for this: the message is with the server.
            open(os.path.join(self.args.spool, "in-data"), "w").close()
            await asyncio.sleep(self.args.data_delay)
        if self.args.data_reply:
            return self.args.data_reply
        for rule in self.args.data_reply_for:
            who, _, reply = rule.partition("=")
            if who in envelope.rcpt_tos:
                return reply
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "surrogateescape"),
            "tls": session.ssl is not None,
            "peer_port": session.peer[1],
            "auth": session.auth_data.decode() if isinstance(
                session.auth_data, bytes) else session.auth_data,
        }
        write_atomic(os.path.join(self.args.spool, "%04d.json" % self.count),
                     json.dumps(record))
        return "250 2.0.0 Message accepted"


def authenticator(args):
    def check(server, session, envelope, mechanism, data):
        if args.auth_tempfail:
            return AuthResult(success=False, handled=False,
                              message="454 4.7.0 Temporary authentication "
                              "failure")
        if (isinstance(data, LoginPassword)
                and data.login.decode() == args.user
                and data.password.decode() == args.password):
            return AuthResult(success=True, auth_data=data.login)
        return AuthResult(success=False, handled=False)
    return check


async def main(args):
    # Refused handshakes and the like are the tests' business, not noise.
    if not os.environ.get("VIGIL_TEST_VERBOSE"):
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)
        logging.getLogger("mail.log").propagate = False
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    loop = asyncio.get_running_loop()
    ctx = None
    if args.tls:
        cert, key = make_cert(args.tls, args.tls_names)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
    handler = Handler(args)

    def factory():
        return SMTP(handler, hostname="mx.test", tls_context=ctx,
                    require_starttls=bool(ctx) and args.require_starttls,
                    auth_required=bool(args.user),
                    auth_require_tls=bool(ctx),
                    authenticator=authenticator(args) if args.user else None,
                    timeout=30)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    server = await loop.create_server(factory, sock=sock)
    write_atomic(args.port_file, "%d\n" % sock.getsockname()[1])

    # Stop when the test that started us goes away.
    done = asyncio.Event()
    loop.add_reader(sys.stdin.fileno(), lambda: sys.stdin.buffer.read1(4096)
                    or done.set())
    await done.wait()
    server.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0,
                   help="listen here (to come back where a test had it)")
    p.add_argument("--spool", required=True)
    p.add_argument("--tls", help="folder for a self-signed certificate")
    p.add_argument("--tls-names", default="DNS:localhost,IP:127.0.0.1")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--auth-tempfail", action="store_true")
    p.add_argument("--mail-reply")
    p.add_argument("--rcpt-reply", action="append", default=[],
                   help="ADDRESS=REPLY, e.g. x@example.org=550 5.1.1 No such user")
    p.add_argument("--data-reply")
    p.add_argument("--data-delay", type=float, default=0,
                   help="seconds before answering each message's data "
                   "(touching SPOOL/in-data first)")
    p.add_argument("--data-reply-for", action="append", default=[],
                   help="ADDRESS=REPLY for messages to ADDRESS")
    asyncio.run(main(p.parse_args()))
