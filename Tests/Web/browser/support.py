"""Shared by the browser tests: a real relay (`securechat serve` from the debug build), one
headless Chromium per test file (Debian's, driven by Playwright), and helpers that drive the
page as a person would. Run with `python3 -m unittest discover -s Tests/Web/browser`;
SECURECHAT_BINARY names the binary (default .build/debug/securechat)."""

import json
import os
import re
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from playwright.sync_api import expect, sync_playwright

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BINARY = os.environ.get("SECURECHAT_BINARY", os.path.join(ROOT, ".build", "debug", "securechat"))
CHROMIUM = os.environ.get("SECURECHAT_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 20_000


class Relay:
    """`securechat serve` on a free port (or `port`), with its own database."""

    def __init__(self, directory, port=0, extra=()):
        self.directory = directory
        self.db = os.path.join(directory, f"relay-{len(os.listdir(directory))}.sqlite")
        self.output = []
        self.start(port, extra)

    def start(self, port=0, extra=()):
        self.extra = extra
        self.process = subprocess.Popen([BINARY, "serve", "--port", str(port), "--db", self.db, *extra],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.process.stdout.readline()
            self.output.append(line)
            m = re.search(r"listening on (https?://[^ ]+)", line)
            if m:
                self.url = m.group(1)
                self.port = int(self.url.rsplit(":", 1)[1])
            if m or (getattr(self, "url", None) and "--tls-self-signed" in extra):
                # With a self-signed certificate, its fingerprint follows the address.
                if "--tls-self-signed" not in extra or "SHA-256" in line:
                    return
            if not line and self.process.poll() is not None:
                break
        raise RuntimeError("the relay did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                # A browser's idle connection can hold a graceful shutdown open: end it.
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()

    def restart(self):
        self.stop()
        self.start(self.port, self.extra)


class CLI:
    """The securechat command line with its own identity and XDG directories."""

    def __init__(self, directory, name):
        self.home = os.path.join(directory, name)
        os.makedirs(self.home, exist_ok=True)
        self.env = dict(os.environ, HOME=self.home, XDG_CONFIG_HOME=os.path.join(self.home, "config"),
                        XDG_DATA_HOME=os.path.join(self.home, "data"), SECURECHAT_NAME=name)
        self.env.pop("SECURECHAT_IDENTITY", None)
        os.makedirs(os.path.join(self.home, "config", "securechat"), exist_ok=True)
        self.run("keygen", "-o", os.path.join(self.home, "config", "securechat", "identity.txt"))

    def run(self, *args, input=None, timeout=60):
        return subprocess.run([BINARY, *args], env=self.env, input=input, capture_output=True, text=True, timeout=timeout, check=True)

    def popen(self, *args):
        return subprocess.Popen([BINARY, *args], env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, bufsize=1)


class BrowserTest(unittest.TestCase):
    """One Chromium for the whole file; each test gets a relay and new browser contexts."""

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(BINARY):
            raise unittest.SkipTest(f"no securechat binary at {BINARY}")
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="securechat-browser-")
        self.relay = Relay(self.directory)
        self.contexts = []

    def tearDown(self):
        for c in self.contexts:
            c.close()
        self.relay.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def person(self, name, relay=None, **options):
        """A new browser profile (its own IndexedDB, so its own identity) on the relay's home page."""
        relay = relay or self.relay
        context = self.browser.new_context(**options)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.goto(relay.url + "/")
        expect(page.locator("#my-fingerprint")).not_to_have_text("…")
        page.fill("#my-name", name)
        page.dispatch_event("#my-name", "change")
        return page

    def create_room(self, page, policy="approval", name="team", relay=None):
        relay = relay or self.relay
        page.fill("#create-name", name)
        page.check(f"input[name=policy][value={policy}]")
        page.click("#create-button")
        expect(page.locator("#conn-state")).to_have_text("connected")
        link = page.input_value("#invite-link")
        self.assertTrue(link.startswith(relay.url + "/join/"), link)
        return link

    def open_link(self, page, link):
        page.goto(link)

    def send(self, page, text):
        page.fill("#message-input", text)
        page.press("#message-input", "Enter")

    def expect_message(self, page, text, sender=None):
        item = page.locator("#messages li.message:not(.pending)").filter(has=page.locator(".text", has_text=text)).last
        expect(item).to_be_visible()
        if sender is not None:
            expect(item.locator(".who")).to_contain_text(sender)
        return item

    def assert_no_page_errors(self, *pages, allow=()):
        """No script error or console error on the pages, but those matching `allow`."""
        for p in pages:
            self.assertEqual([e for e in p.errors if not any(a in e for a in allow)], [], "errors on the page")


def _lines(process):
    """A queue of the process's output lines, filled by a thread (a pipe's buffered reader and
    select() do not mix)."""
    if not hasattr(process, "lines"):
        process.lines = queue.Queue()

        def pump():
            for line in process.stdout:
                process.lines.put(line)
            process.lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
    return process.lines


def read_json_lines(process, until, timeout=30):
    """JSON lines from a `connect --json` process until `until(obj)` holds."""
    lines = _lines(process)
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.time()))
        except queue.Empty:
            break
        if line is None:
            break
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        seen.append(obj)
        if until(obj):
            return obj, seen
    raise AssertionError(f"not seen in time; saw {seen}")
