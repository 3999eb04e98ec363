"""A relay restart: the page shows the lost connection, comes back, resumes without
repeating anything, and sends what was typed while the relay was away."""

import unittest

from playwright.sync_api import expect

from support import BrowserTest


class Reconnect(BrowserTest):
    def test_the_page_resumes_and_resends_after_the_relay_restarts(self):
        alice = self.person("alice")
        link = self.create_room(alice, "open")
        bob = self.person("bob")
        self.open_link(bob, link)
        expect(bob.locator("#conn-state")).to_have_text("connected")
        self.send(alice, "before the restart")
        self.expect_message(bob, "before the restart")

        self.relay.stop()
        expect(alice.locator("#conn-state")).to_contain_text("disconnected")
        self.send(alice, "typed while the relay was down")
        expect(alice.locator("#messages li.pending")).to_have_count(1)
        self.relay.restart()

        expect(alice.locator("#conn-state")).to_have_text("connected", timeout=40_000)
        expect(bob.locator("#conn-state")).to_have_text("connected", timeout=40_000)
        self.expect_message(bob, "typed while the relay was down", "alice")
        expect(alice.locator("#messages li.pending")).to_have_count(0)
        # Nothing is shown twice after the resume.
        expect(bob.locator("#messages li.message", has_text="before the restart")).to_have_count(1)
        # A reload keeps the identity and the room (IndexedDB) and shows the history once.
        bob.reload()
        expect(bob.locator("#conn-state")).to_have_text("connected")
        # The refused connections while the relay was away are the browser's own console lines.
        self.assert_no_page_errors(alice, bob, allow=("net::ERR_CONNECTION_REFUSED",))


if __name__ == "__main__":
    unittest.main()
