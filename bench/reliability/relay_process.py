"""A `securechat serve` process for the reliability benchmarks, and raw WebSocket connections
to it: the HTTP upgrade, reading the relay's `hello`, and the close handshake (RFC 6455), with
nothing but the standard library, so that a connection costs the relay exactly what a stock
client's would."""

import base64
import os
import re
import signal
import socket
import subprocess
import tempfile
import time


class Relay:
    """Starts `sc serve` on a free port with a private database; stop() sends SIGTERM."""

    def __init__(self, sc, *flags, db=None, port=0):
        self.dir = tempfile.mkdtemp(prefix="securechat-reliability-")
        self.db = db or os.path.join(self.dir, "relay.sqlite")
        self.out = open(os.path.join(self.dir, "serve.out"), "w+")
        self.err = open(os.path.join(self.dir, "serve.err"), "w+")
        self.proc = subprocess.Popen([sc, "serve", "--port", str(port), "--db", self.db, "--log-level", "warning", *flags],
                                     stdout=self.out, stderr=self.err)
        self.port = None
        for _ in range(400):
            self.out.seek(0)
            m = re.search(r"127\.0\.0\.1:(\d+)", self.out.read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if self.port is None:
            self.err.seek(0)
            raise SystemExit(f"the relay did not start: {self.err.read()[-2000:]}")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self):
        return self.proc.pid

    def rss_kib(self):
        """Resident memory, from /proc (KiB)."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def fds(self):
        """Open file descriptors."""
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Signals the relay and returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def log(self):
        self.err.seek(0)
        return self.err.read()


def read_frame(sock, buf):
    """One whole WebSocket frame from `sock` (server frames are unmasked): (opcode, payload, rest)."""
    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the relay closed the socket")
            buf += chunk
    need(2)
    opcode, length, off = buf[0] & 0x0F, buf[1] & 0x7F, 2
    if length == 126:
        need(4)
        length, off = int.from_bytes(buf[2:4], "big"), 4
    elif length == 127:
        need(10)
        length, off = int.from_bytes(buf[2:10], "big"), 10
    need(off + length)
    return opcode, buf[off:off + length], buf[off + length:]


def masked(opcode, payload):
    """A client frame: FIN, `opcode`, masked `payload` (under 126 bytes or 16-bit length)."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big"))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def open_websocket(port, path="/v2/ws", timeout=10):
    """Upgrades a new TCP connection; returns (socket, bytes already read past the response)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("the relay closed the socket during the upgrade")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    status = head.split(b"\r\n", 1)[0]
    if b" 101 " not in status:
        raise ConnectionError(f"upgrade refused: {status.decode(errors='replace')}")
    return sock, rest


def hello_and_close(port):
    """One connection cycle: upgrade, read `hello`, close handshake (1000), socket closed.
    Returns True when the relay answered the close frame."""
    sock, rest = open_websocket(port)
    try:
        opcode, payload, rest = read_frame(sock, rest)
        if opcode != 1 or b'"hello"' not in payload:
            raise ConnectionError(f"expected hello, got opcode {opcode}")
        sock.sendall(masked(0x8, (1000).to_bytes(2, "big")))
        while True:
            opcode, _, rest = read_frame(sock, rest)
            if opcode == 0x8:
                return True
    except (ConnectionError, socket.timeout):
        return False
    finally:
        sock.close()


def health(port):
    """GET /health on a fresh connection: the status code."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        buf = b""
        while b"\r\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        return int(buf.split(b" ", 2)[1]) if buf else 0


class Member:
    """A `securechat` user of its own (identity, config and data directories), run as scripts
    run it: `connect --send`, `connect --history --json`."""

    def __init__(self, sc, home, name):
        self.sc, self.name = sc, name
        self.env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"),
                        XDG_DATA_HOME=os.path.join(home, "data"), SECURECHAT_IDENTITY=os.path.join(home, "identity.txt"),
                        SECURECHAT_NAME=name, NO_COLOR="1")
        os.makedirs(home, exist_ok=True)
        self.run("keygen", "-o", self.env["SECURECHAT_IDENTITY"], check=True)

    def run(self, *args, check=False, timeout=120, stdin=None):
        p = subprocess.run([self.sc, *args], env=self.env, capture_output=True, text=True, timeout=timeout, input=stdin)
        if check and p.returncode != 0:
            raise SystemExit(f"securechat {' '.join(args[:2])} failed ({p.returncode}): {p.stderr.strip()}")
        return p

    def create_room(self, server):
        """An open room registered on `server`; returns its id."""
        import json
        p = self.run("room", "create", "reliability", "--server", server, "--json", check=True)
        return json.loads(p.stdout)["id"]

    def send(self, room, *texts, timeout="20s"):
        args = ["connect", "--room", room, "--timeout", timeout]
        for t in texts:
            args += ["--send", t]
        return self.run(*args)

    def history(self, room):
        """The room's messages as this member reads them: [(seq, text)]."""
        import json
        p = self.run("connect", "--room", room, "--history", "--json", "--timeout", "20s")
        if p.returncode != 0:
            return None, p.stderr.strip()
        out = []
        for line in p.stdout.splitlines():
            obj = json.loads(line)
            if obj.get("type") == "message":
                out.append((obj["seq"], obj["text"]))
        return out, ""
