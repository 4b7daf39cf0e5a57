"""The spider's certificate check (Python's ssl, in a thread) against real loopback servers."""
from __future__ import annotations

import datetime
import socket
import ssl
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from checks.functions import https
from spiders.portal import tls_probe


def self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "so-mau.gov.vn")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=10)).sign(key, hashes.SHA256()))
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return tmp_path / "c.pem", tmp_path / "k.pem"


def serve_once(handler) -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)

    def run():
        conn, _ = sock.accept()
        try:
            handler(conn)
        except OSError:
            pass
        finally:
            conn.close()
            sock.close()
    threading.Thread(target=run, daemon=True).start()
    return sock.getsockname()[1]


def test_self_signed_certificate_is_invalid(tmp_path):
    cert, key = self_signed(tmp_path)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)

    def tls_server(conn):
        try:  # the client refuses the certificate during the handshake
            with ctx.wrap_socket(conn, server_side=True):
                pass
        except (ssl.SSLError, OSError):
            pass
    port = serve_once(tls_server)
    result = tls_probe("127.0.0.1", port, 3)
    assert result["connect"] and result["handshake"] and result["verified"] is False
    assert "certificate" in result["error"] or "self" in result["error"]
    assert https.judge(None, result).evidence["reason"] == "certificate_invalid"


def test_plain_http_on_the_https_port_is_no_https():
    port = serve_once(lambda conn: (conn.recv(1024), conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")))
    result = tls_probe("127.0.0.1", port, 3)
    assert result["connect"] and result["handshake"] is False
    assert https.judge(None, result).evidence["reason"] == "no_https"


def test_nothing_listening():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = tls_probe("127.0.0.1", port, 3)
    assert result["connect"] is False and not result.get("timeout")
