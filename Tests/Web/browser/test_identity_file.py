"""One person, one identity, in the CLI and the browser: a passphrase-protected identity file
made by `securechat keygen -p` imports into the page as the same member, and one exported by the
page opens with `securechat` (and Debian's `age -d`) and is that member in `securechat connect`.
Passphrases reach the CLI on a file descriptor or in SECURECHAT_PASSPHRASE, never in argv."""

import json
import os
import pty
import re
import select
import shutil
import subprocess
import time
import unittest

from playwright.sync_api import expect

from support import CLI, BINARY, BrowserTest

PASSPHRASE = "correct horse battery staple ✓"


def keygen_with_passphrase(cli, path, passphrase):
    """`keygen -p -o PATH --json` with the passphrase on a pipe (--passphrase-fd)."""
    read_end, write_end = os.pipe()
    os.write(write_end, (passphrase + "\n").encode())
    os.close(write_end)
    try:
        out = subprocess.run([BINARY, "keygen", "-p", "--passphrase-fd", str(read_end), "-o", path, "--json"], env=cli.env,
                             pass_fds=(read_end,), capture_output=True, text=True, timeout=120, check=True)
    finally:
        os.close(read_end)
    return json.loads(out.stdout)


def age_decrypt(path, passphrase, timeout=60):
    """Debian's `age -d PATH`, which reads a passphrase from its terminal only: run on a pty."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("age", ["age", "-d", path])
    output, typed = b"", False
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if not typed and b"passphrase" in output.lower():
                os.write(fd, (passphrase + "\n").encode())
                typed, output = True, b""
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace").replace("\r\n", "\n")


class IdentityFiles(BrowserTest):
    def import_file(self, page, path, passphrase):
        if page.get_attribute("#identity-panel", "open") is None:
            page.click("#identity-panel summary")
        page.set_input_files("#identity-file", path)
        page.fill("#import-passphrase", passphrase)
        page.click("#import-identity")

    def test_a_cli_passphrase_identity_makes_the_browser_the_same_member(self):
        cli = CLI(self.directory, "frank")
        # The CLI's own identity becomes a passphrase-protected one, which it uses from now on.
        path = os.path.join(cli.home, "config", "securechat", "identity.txt")
        os.remove(path)
        made = keygen_with_passphrase(cli, path, PASSPHRASE)
        with open(path, "rb") as f:
            self.assertTrue(f.read().startswith(b"age-encryption.org/v1\n-> scrypt "))
        cli.env["SECURECHAT_PASSPHRASE"] = PASSPHRASE
        room = json.loads(cli.run("room", "create", "mine", "--policy", "open", "--server", self.relay.url, "--json").stdout)

        page = self.person("frank")
        self.assertNotEqual(page.inner_text("#my-fingerprint"), made["fingerprint"])
        page.on("dialog", lambda dialog: dialog.accept())
        self.import_file(page, path, PASSPHRASE + "!")
        expect(page.locator("#identity-status")).to_have_text("That identity file cannot be used: incorrect passphrase.")
        expect(page.locator("#identity-status")).to_have_class("muted error")
        self.import_file(page, path, "")
        expect(page.locator("#identity-status")).to_contain_text("protected by a passphrase: type it in the passphrase field")
        self.import_file(page, path, PASSPHRASE)
        expect(page.locator("#my-fingerprint")).to_have_text(made["fingerprint"])
        expect(page.locator("#my-recipient")).to_have_text(made["recipient"])

        self.assert_owner_of(page, cli, room)

    def test_a_plain_cli_identity_file_makes_the_browser_the_same_member(self):
        cli = CLI(self.directory, "frank")
        path = os.path.join(cli.home, "config", "securechat", "identity.txt")
        with open(path) as f:
            fingerprint = re.search(r"^# fingerprint: (\S+)$", f.read(), re.M).group(1)
        room = json.loads(cli.run("room", "create", "mine", "--policy", "open", "--server", self.relay.url, "--json").stdout)
        page = self.person("frank")
        self.assertNotEqual(page.inner_text("#my-fingerprint"), fingerprint)
        page.on("dialog", lambda dialog: dialog.accept())
        self.import_file(page, path, "")
        expect(page.locator("#my-fingerprint")).to_have_text(fingerprint)
        self.assert_owner_of(page, cli, room)

    def assert_owner_of(self, page, cli, room):
        """The room the CLI made is this browser's own: it is its owner, and what it sends the CLI
        shows as its own."""
        self.open_link(page, room["invite"])
        expect(page.locator("#conn-state")).to_have_text("connected")
        expect(page.locator("#roster li")).to_have_count(1)
        expect(page.locator("#roster li .badge").first).to_have_text("owner")
        self.send(page, "from the browser, as the owner")
        self.expect_message(page, "from the browser, as the owner")
        lines = [json.loads(line) for line in cli.run("connect", "--room", room["id"], "--history", "--json").stdout.splitlines()]
        mine = [m for m in lines if m.get("type") == "message" and m.get("text") == "from the browser, as the owner"]
        self.assertEqual(len(mine), 1, lines)
        self.assertTrue(mine[0]["self"])
        self.assert_no_page_errors(page)

    def test_an_identity_exported_by_the_page_opens_with_the_cli_and_age(self):
        page = self.person("grace")
        fingerprint = page.inner_text("#my-fingerprint")
        recipient = page.text_content("#my-recipient")
        self.assertTrue(recipient.startswith("age1"), recipient)
        page.click("#identity-panel summary")
        page.fill("#export-passphrase", PASSPHRASE)
        page.fill("#export-passphrase-again", PASSPHRASE + "x")
        page.click("#export-identity")
        expect(page.locator("#identity-status")).to_have_text("The two passphrases differ.")
        page.fill("#export-passphrase-again", PASSPHRASE)
        with page.expect_download() as download:
            page.click("#export-identity")
        self.assertEqual(download.value.suggested_filename, "securechat-identity.age")
        path = os.path.join(self.directory, "exported.age")
        download.value.save_as(path)
        with open(path, "rb") as f:
            self.assertTrue(f.read().startswith(b"age-encryption.org/v1\n-> scrypt "))
        self.assertEqual(page.input_value("#export-passphrase"), "")

        cli = CLI(self.directory, "grace-cli")
        cli.env["SECURECHAT_PASSPHRASE"] = PASSPHRASE
        public = json.loads(cli.run("keygen", "-y", path, "--json").stdout)
        self.assertEqual((public["fingerprint"], public["recipient"]), (fingerprint, recipient))
        wrong = dict(cli.env, SECURECHAT_PASSPHRASE="not it")
        refused = subprocess.run([BINARY, "keygen", "-y", path], env=wrong, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("incorrect passphrase", refused.stderr)

        if shutil.which("age"):
            status, text = age_decrypt(path, PASSPHRASE)
            self.assertEqual(status, 0, text)
            self.assertIn(f"# fingerprint: {fingerprint}\n", text)
            self.assertIn(f"# public key: {recipient}\n", text)
            self.assertRegex(text, r"\nAGE-SECRET-KEY-1[0-9A-Z]{58}\n")

        # The exported file is this member in `securechat connect`.
        link = self.create_room(page, "open")
        self.send(page, "written in the browser")
        self.expect_message(page, "written in the browser")
        lines = [json.loads(line) for line in cli.run("connect", "-i", path, link, "--history", "--json").stdout.splitlines()]
        mine = [m for m in lines if m.get("type") == "message" and m.get("text") == "written in the browser"]
        self.assertEqual(len(mine), 1, lines)
        self.assertTrue(mine[0]["self"])
        cli.run("connect", "-i", path, link, "--send", "written in the terminal")
        item = self.expect_message(page, "written in the terminal")
        expect(item.locator(".who")).to_contain_text("(you)")
        expect(page.locator("#roster li")).to_have_count(1)
        self.assert_no_page_errors(page)


if __name__ == "__main__":
    unittest.main()
