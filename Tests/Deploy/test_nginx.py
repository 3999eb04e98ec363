"""The relay behind Debian's nginx, configured by docs/deploy/nginx-site.conf as an operator
would use it: TLS at the proxy, WebSocket upgrades passed through, `/metrics` kept private, and
per-address limits that count the client nginx names (`serve --trusted-proxy`), not the proxy
and not whatever a client writes in its own X-Forwarded-For. Also checks the systemd unit.

Run from the repository: `python3 -m unittest -v Tests/Deploy/test_nginx.py`; SECURECHAT_BINARY
names the binary (default .build/debug/securechat)."""

import base64
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("SECURECHAT_BINARY", os.path.join(ROOT, ".build", "debug", "securechat"))
SITE = os.path.join(ROOT, "docs", "deploy", "nginx-site.conf")
UNIT = os.path.join(ROOT, "docs", "deploy", "securechat-relay.service")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what):
    deadline = time.time() + 20
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def site_for_test(site, relay_port, proxy_port, cert, key):
    """The site with this machine's ports and a test certificate: the only lines changed are
    the ones docs/operating.md tells an operator to change."""
    out = site.replace("server 127.0.0.1:5000;", f"server 127.0.0.1:{relay_port};")
    out = re.sub(r"listen \[::\]:443 ssl;\n", "", out)
    out = out.replace("listen 443 ssl;", f"listen 127.0.0.1:{proxy_port} ssl;")
    out = out.replace("/etc/ssl/certs/relay.example.org.pem", cert)
    out = out.replace("/etc/ssl/private/relay.example.org.key", key)
    out = out.replace("server_name relay.example.org;", "server_name 127.0.0.1;")
    assert out.count(str(relay_port)) == 1 and out.count(str(proxy_port)) == 1, "the site's lines to change have moved"
    return out


class BehindNginx(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="securechat-nginx-")
        os.chmod(cls.dir, 0o755)
        cls.cert, cls.key = os.path.join(cls.dir, "cert.pem"), os.path.join(cls.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", cls.key, "-out", cls.cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        cls.relay = subprocess.Popen([BINARY, "serve", "--port", "0", "--json", "--db", os.path.join(cls.dir, "relay.sqlite"),
                                      "--trusted-proxy", "127.0.0.1", "--connections-per-address", "1"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        cls.relay_port = json.loads(cls.relay.stdout.readline())["port"]
        cls.proxy_port = free_port()
        with open(SITE) as f:
            site = site_for_test(f.read(), cls.relay_port, cls.proxy_port, cls.cert, cls.key)
        temp = os.path.join(cls.dir, "nginx-temp")
        os.makedirs(temp)
        conf = os.path.join(cls.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""pid {cls.dir}/nginx.pid;
error_log {cls.dir}/nginx-error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
""")
        cls.nginx = subprocess.Popen([NGINX, "-p", cls.dir, "-c", conf, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_port(cls.proxy_port, cls.nginx, "nginx")
        cls.tls = ssl.create_default_context(cafile=cls.cert)
        cls.held = []

    @classmethod
    def tearDownClass(cls):
        for s in cls.held:
            s.close()
        for p in (cls.nginx, cls.relay):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def request(self, path, source="127.0.0.1", headers=()):
        """One HTTPS request through nginx from `source`; (status, headers text, body)."""
        raw = socket.create_connection(("127.0.0.1", self.proxy_port), timeout=10, source_address=(source, 0))
        conn = self.tls.wrap_socket(raw, server_hostname="127.0.0.1")
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{self.proxy_port}", *headers, "Connection: close", "", ""]
        conn.sendall("\r\n".join(lines).encode())
        data = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        conn.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), head.decode(), body

    def websocket(self, source, forwarded_for=None):
        """A WebSocket through nginx from `source`: the relay's first frame (hello or error)."""
        headers = [f"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                   f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}"]
        if forwarded_for:
            headers.append(f"X-Forwarded-For: {forwarded_for}")
        raw = socket.create_connection(("127.0.0.1", self.proxy_port), timeout=10, source_address=(source, 0))
        conn = self.tls.wrap_socket(raw, server_hostname="127.0.0.1")
        conn.sendall(("\r\n".join([f"GET /v2/ws HTTP/1.1", f"Host: 127.0.0.1:{self.proxy_port}", *headers, "", ""])).encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(4096)
        head, _, rest = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 101"), head)
        while len(rest) < 2 or len(rest) < 2 + self.payload_offset(rest) + self.payload_length(rest):
            rest += conn.recv(65536)
        self.held.append(conn)
        start = 2 + self.payload_offset(rest)
        return json.loads(rest[start:start + self.payload_length(rest)])

    @staticmethod
    def payload_offset(frame):
        n = frame[1] & 0x7F
        return {126: 2, 127: 8}.get(n, 0)

    @staticmethod
    def payload_length(frame):
        n = frame[1] & 0x7F
        if n == 126:
            return int.from_bytes(frame[2:4], "big") if len(frame) >= 4 else 1 << 30
        if n == 127:
            return int.from_bytes(frame[2:10], "big") if len(frame) >= 10 else 1 << 30
        return n

    def test_pages_and_plain_requests_through_tls(self):
        status, _, body = self.request("/health")
        self.assertEqual((status, json.loads(body)["status"]), (200, "ok"))
        status, head, _ = self.request("/v2/ws")
        self.assertEqual(status, 426, head)
        # The operators' page is not served on the public site, even from the proxy's machine,
        # under any spelling the relay's router would match.
        for path in ("/metrics", "/metrics/", "/metrics?x=1"):
            self.assertEqual(self.request(path)[0], 404, path)

    def test_limits_count_the_client_nginx_names(self):
        # A browser loads the page before it opens its socket: the upgrade must still work after
        # plain requests (nginx must not reuse an upstream connection for it).
        for _ in range(3):
            self.assertEqual(self.request("/health")[0], 200)
        # One connection per address: 127.0.0.2's second is refused, 127.0.0.3 is someone else.
        self.assertEqual(self.websocket("127.0.0.2")["type"], "hello")
        refused = self.websocket("127.0.0.2")
        self.assertEqual((refused["type"], refused["code"]), ("error", "too_many_connections"))
        # Claiming to be another client in X-Forwarded-For changes nothing: nginx appends the
        # real address, and the relay reads from the right.
        spoofed = self.websocket("127.0.0.2", forwarded_for="127.0.0.9")
        self.assertEqual((spoofed["type"], spoofed.get("code")), ("error", "too_many_connections"))
        self.assertEqual(self.websocket("127.0.0.3")["type"], "hello")


class SystemdUnit(unittest.TestCase):
    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed")
    def test_unit_verifies(self):
        with tempfile.TemporaryDirectory() as d:
            with open(UNIT) as f:
                unit = f.read().replace("/usr/local/bin/securechat", os.path.abspath(BINARY))
            path = os.path.join(d, "securechat-relay.service")
            with open(path, "w") as f:
                f.write(unit)
            result = subprocess.run(["systemd-analyze", "verify", path], capture_output=True, text=True)
            # The man page is only known once installed; every other complaint is a real one.
            complaints = [l for l in result.stderr.splitlines() if "man securechat-serve(1)" not in l and l.strip()]
            self.assertEqual(complaints, [])
        # Its serve options are real options of this binary.
        flags = re.findall(r" (--[a-z-]+)", re.search(r"^ExecStart=(.*)$", unit, re.M).group(1))
        help_text = subprocess.run([BINARY, "serve", "--help"], capture_output=True, text=True).stdout
        for flag in flags:
            self.assertIn(flag, help_text)


if __name__ == "__main__":
    unittest.main()
