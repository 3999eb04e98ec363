"""Two people in two browsers: create, invite by QR code and link, knock, approve, chat."""

import os
import re
import subprocess
import unittest

from playwright.sync_api import expect

from support import BrowserTest, Relay

HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script><b>bold</b>'


class TwoBrowsers(BrowserTest):
    def test_approval_room_by_qr_code_knock_approve_and_chat(self):
        alice = self.person("alice")
        link = self.create_room(alice, "approval")
        self.assertNotIn("&k=", link)
        self.assertIn("#v=2&o=", link)

        # The QR code on the page is the exact link.
        shot = os.path.join(self.directory, "qr.png")
        alice.locator("#qr").screenshot(path=shot)
        decoded = subprocess.run(["zbarimg", "--raw", "-q", shot], capture_output=True, text=True)
        self.assertEqual(decoded.returncode, 0, decoded.stderr)
        self.assertEqual(decoded.stdout.strip(), link)

        bob = self.person(HOSTILE[:64])
        self.open_link(bob, link)
        expect(bob.locator("#messages")).to_contain_text("Waiting for a member to let you in")
        knock = alice.locator("#knocks li")
        expect(knock).to_have_count(1)
        expect(knock.locator(".name")).to_have_text(HOSTILE[:64])
        knock.locator("button.approve").click()
        expect(bob.locator("#conn-state")).to_have_text("connected")
        expect(alice.locator("#roster li")).to_have_count(2)
        expect(bob.locator("#roster li")).to_have_count(2)

        self.send(bob, HOSTILE)
        self.send(alice, "welcome, bob")
        self.expect_message(alice, HOSTILE)
        self.expect_message(bob, "welcome, bob", "alice")
        for page in (alice, bob):
            # Markup in names and messages is text: no element of it exists, no script ran.
            self.assertEqual(page.locator("#messages img, #messages script, #messages b, #roster img, #roster b").count(), 0)
            self.assertNotEqual(page.title(), "pwned")
        # Safety numbers agree on both sides.
        alice.locator("#roster li:not(:has-text('(you)')) button.show-safety").click()
        bob.locator("#roster li:not(:has-text('(you)')) button.show-safety").click()
        a = alice.locator("#roster .safety:visible").inner_text()
        b = bob.locator("#roster .safety:visible").inner_text()
        self.assertRegex(a, r"^Safety number: (\d{5} ){11}\d{5}$")
        self.assertEqual(a, b)
        self.assert_no_page_errors(alice, bob)

    def test_a_lookalike_name_is_marked_in_the_roster_and_on_its_messages(self):
        alice = self.person("alice")
        link = self.create_room(alice, "open")
        bob = self.person("bob")
        self.open_link(bob, link)
        expect(bob.locator("#roster li")).to_have_count(2)
        mallory = self.person("\u0430lice")  # a Cyrillic a
        self.open_link(mallory, link)
        expect(bob.locator("#roster li")).to_have_count(3)
        marked = bob.locator("#roster li .lookalike")
        expect(marked).to_have_count(1)
        expect(marked).to_have_text("looks like alice: another key!")
        expect(bob.locator("#roster li").filter(has=bob.locator(".lookalike")).locator(".name")).to_have_text("\u0430lice")
        self.send(mallory, "it is me, alice")
        item = self.expect_message(bob, "it is me, alice")
        expect(item.locator(".lookalike")).to_have_text("looks like alice: another key!")
        self.send(alice, "the real one")
        expect(self.expect_message(bob, "the real one").locator(".lookalike")).to_have_count(0)
        self.assert_no_page_errors(alice, bob, mallory)

    def test_a_joiner_knocks_with_the_six_digit_code(self):
        alice = self.person("alice")
        self.create_room(alice, "approval")
        expect(alice.locator("#join-code")).to_have_text(re.compile(r"^[0-9]{6}$"))
        expect(alice.locator("#join-code-timer")).to_have_text(re.compile(r"^\(changes in [0-4]:[0-5][0-9]\)$"))
        code = alice.inner_text("#join-code")
        bob = self.person("bob")
        bob.fill("#join-input", code)
        bob.click("#join-button")
        alice.locator("#knocks li button.approve").click()
        expect(bob.locator("#conn-state")).to_have_text("connected")
        self.assertRegex(bob.url, r"/join/[A-Za-z0-9_-]{22}$")
        self.send(bob, "in by code")
        self.expect_message(alice, "in by code", "bob")
        self.assert_no_page_errors(alice, bob)

    def test_open_room_link_key_leaves_the_address_bar_and_both_read(self):
        alice = self.person("alice")
        link = self.create_room(alice, "open")
        self.assertIn("&k=", link)
        bob = self.person("bob")
        self.open_link(bob, link)
        expect(bob.locator("#conn-state")).to_have_text("connected")
        self.assertNotIn("#", bob.url)
        self.assertNotIn("k=", bob.evaluate("location.href + JSON.stringify(history.state)"))
        self.send(alice, "first")
        self.expect_message(bob, "first", "alice")
        self.send(bob, "second")
        self.expect_message(alice, "second", "bob")
        expect(alice.locator("#messages")).to_contain_text("bob joined")
        # The owner removes bob: the key changes and bob is told.
        alice.locator("#roster li:has-text('bob') button.remove").click()
        expect(bob.locator("#banner")).to_contain_text("You were removed")
        expect(alice.locator("#roster li")).to_have_count(1)
        self.send(alice, "after the removal")
        self.expect_message(alice, "after the removal")
        expect(bob.locator("#messages")).not_to_contain_text("after the removal")
        self.assert_no_page_errors(alice)

    def test_a_look_alike_name_under_another_key_is_flagged_and_a_join_shows_its_fingerprint(self):
        alice = self.person("alice")
        link = self.create_room(alice, "open")
        bob = self.person("bob")
        self.open_link(bob, link)
        expect(bob.locator("#conn-state")).to_have_text("connected")
        bob_fingerprint = bob.locator("#my-fingerprint").inner_text()
        expect(alice.locator("#messages")).to_contain_text(f"bob joined (fingerprint {bob_fingerprint})")
        mallory = self.person("b\u043eb")  # a Cyrillic o
        self.open_link(mallory, link)
        expect(mallory.locator("#conn-state")).to_have_text("connected")
        warning = alice.locator("#messages li.warning").filter(has_text="looks like bob")
        expect(warning).to_contain_text("Warning: the name b\u043eb looks like bob, who has another key")
        expect(alice.locator("#messages li.warning").filter(has_text="the name bob looks like")).to_have_count(0)
        self.assert_no_page_errors(alice, bob, mallory)

    def test_a_phone_sized_screen_is_usable_and_the_link_works_without_a_qr_library(self):
        alice = self.person("alice", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        alice.route("**/assets/qrcode.js", lambda route: route.fulfill(status=404, body=""))
        alice.reload()
        link = self.create_room(alice, "open")
        expect(alice.locator("#qr-missing")).to_be_visible()
        expect(alice.locator("#invite-link")).to_have_value(link)
        overflow = alice.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        self.assertLessEqual(overflow, 0)
        self.send(alice, "from a phone")
        self.expect_message(alice, "from a phone")
        self.assertTrue(alice.locator("#send-button").is_visible())

    def test_over_https_with_a_self_signed_certificate(self):
        relay = Relay(self.directory, extra=("--tls-self-signed",))
        try:
            self.assertTrue(relay.url.startswith("https://"), relay.url)
            self.assertTrue(any("self-signed certificate, SHA-256 " in line for line in relay.output), relay.output)
            alice = self.person("alice", relay=relay, ignore_https_errors=True)
            link = self.create_room(alice, "open", relay=relay)
            bob = self.person("bob", relay=relay, ignore_https_errors=True)
            self.open_link(bob, link)
            self.send(alice, "over wss")
            self.expect_message(bob, "over wss", "alice")
            self.assert_no_page_errors(alice, bob)
        finally:
            for c in self.contexts:
                c.close()
            self.contexts = []
            relay.stop()

    def test_the_page_comes_with_strict_headers(self):
        page = self.person("carol")
        response = page.request.get(self.relay.url + "/")
        csp = response.headers["content-security-policy"]
        for directive in ("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"):
            self.assertIn(directive, csp)
        self.assertNotIn("unsafe", csp)
        self.assertEqual(response.headers["referrer-policy"], "no-referrer")
        self.assertEqual(response.headers["cache-control"], "no-store")


if __name__ == "__main__":
    unittest.main()
