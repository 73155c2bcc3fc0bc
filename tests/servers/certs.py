# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
certs.py: what the test servers share: a self-signed certificate.
"""
import os
import subprocess


def make_cert(folder, names):
    """A self-signed certificate for names (a subjectAltName list)."""
    cert = os.path.join(folder, "cert.pem")
    key = os.path.join(folder, "key.pem")
    if not os.path.exists(cert):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec",
             "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", cert, "-days", "2",
             "-subj", "/CN=vigil test", "-addext",
             "subjectAltName=" + names],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key
