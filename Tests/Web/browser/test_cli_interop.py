"""A browser and `securechat connect` in one room, both ways: the same messages, names and
membership, whoever created the room and whoever lets whom in."""

import json
import time
import unittest

from playwright.sync_api import expect

from support import CLI, BrowserTest, read_json_lines


class BrowserAndCLI(BrowserTest):
    def test_cli_creates_an_open_room_and_a_browser_joins_it(self):
        cli = CLI(self.directory, "carol")
        room = json.loads(cli.run("room", "create", "lab", "--policy", "open", "--server", self.relay.url, "--json").stdout)
        listener = cli.popen("connect", "--room", room["id"], "--listen", "--json")
        try:
            alice = self.person("alice")
            self.open_link(alice, room["invite"])
            expect(alice.locator("#conn-state")).to_have_text("connected")
            self.send(alice, "hello from the browser <i>x</i>")
            msg, _ = read_json_lines(listener, lambda o: o.get("type") == "message" and not o.get("self"))
            self.assertEqual(msg["text"], "hello from the browser <i>x</i>")
            self.assertEqual(msg["sender"], "alice")
            cli.run("connect", "--room", room["id"], "--send", "hello from the terminal")
            self.expect_message(alice, "hello from the terminal", "carol")
            expect(alice.locator("#roster li")).to_have_count(2)
            expect(alice.locator("#roster li:has-text('carol') .badge")).to_have_text("owner")
            self.assert_no_page_errors(alice)
        finally:
            listener.kill()

    def test_a_name_change_reaches_the_browser_and_the_cli_both_ways(self):
        alice = self.person("alice")
        link = self.create_room(alice, "open")
        cli = CLI(self.directory, "carol")
        member = cli.popen("connect", link, "--json")
        try:
            expect(alice.locator("#roster li")).to_have_count(2)
            expect(alice.locator("#roster li:not(:has-text('(you)')) .name")).to_have_text("carol")

            # The browser member signs a new name; the CLI verifies and shows it as the name event.
            self.send(alice, "/name alicia <b>x</b>")
            event, _ = read_json_lines(member, lambda o: o.get("type") == "event" and o.get("event") == "rename")
            self.assertEqual((event["name"], event["detail"]), ("alicia <b>x</b>", "alice"))
            expect(alice.locator("#roster li:has-text('(you)') .name")).to_have_text("alicia <b>x</b>")
            expect(alice.locator("#messages li.notice").filter(has_text="alice is now called alicia <b>x</b>")).to_have_count(1)
            self.send(alice, "after the rename")
            msg, _ = read_json_lines(member, lambda o: o.get("type") == "message" and o.get("text") == "after the rename")
            self.assertEqual(msg["sender"], "alicia <b>x</b>")

            # The CLI member does the same; the page shows the event and the new name.
            member.stdin.write("/name caroline\n")
            member.stdin.flush()
            expect(alice.locator("#messages li.notice").filter(has_text="carol is now called caroline")).to_have_count(1)
            expect(alice.locator("#roster li:not(:has-text('(you)')) .name")).to_have_text("caroline")
            own, _ = read_json_lines(member, lambda o: o.get("type") == "event" and o.get("event") == "rename" and o.get("name") == "caroline")
            self.assertEqual(own["detail"], "carol")
            member.stdin.write("signed caroline\n")
            member.stdin.flush()
            self.expect_message(alice, "signed caroline", "caroline")
            self.assertEqual(alice.locator("#roster b, #messages b").count(), 0)
            self.assert_no_page_errors(alice)
        finally:
            member.kill()

        # A later session of either side starts from the signed names the relay keeps.
        lines = [json.loads(line) for line in cli.run("connect", link, "--history", "--json").stdout.splitlines()]
        history = [m for m in lines if m.get("type") == "message" and m.get("text") == "after the rename"]
        self.assertEqual([m["sender"] for m in history], ["alicia <b>x</b>"])

    def test_browser_owner_approves_a_cli_knocker(self):
        alice = self.person("alice")
        link = self.create_room(alice, "approval")
        cli = CLI(self.directory, "dave")
        knocker = cli.popen("connect", link, "--listen", "--json", "--note", "it's dave")
        try:
            knock = alice.locator("#knocks li")
            expect(knock).to_have_count(1)
            expect(knock).to_contain_text("it's dave")
            knock.locator("button.approve").click()
            expect(alice.locator("#roster li")).to_have_count(2)
            self.send(alice, "welcome dave")
            msg, _ = read_json_lines(knocker, lambda o: o.get("type") == "message" and o.get("text") == "welcome dave")
            self.assertEqual(msg["sender"], "alice")
        finally:
            knocker.kill()
        # The room file the CLI kept now holds the key: it sends on its own.
        cli.run("connect", link, "--send", "thanks alice")
        self.expect_message(alice, "thanks alice", "dave")

    def test_cli_owner_approves_a_browser_knocker(self):
        cli = CLI(self.directory, "erin")
        room = json.loads(cli.run("room", "create", "ops", "--policy", "approval", "--server", self.relay.url, "--json").stdout)
        owner = cli.popen("connect", "--room", room["id"], "--json")
        try:
            read_json_lines(owner, lambda o: o.get("type") == "code")
            bob = self.person("bob")
            self.open_link(bob, room["invite"])
            read_json_lines(owner, lambda o: o.get("type") == "event" and o.get("event") == "knock")
            owner.stdin.write("/approve bob\n")
            owner.stdin.flush()
            expect(bob.locator("#conn-state")).to_have_text("connected")
            owner.stdin.write("hi bob, from the terminal\n")
            owner.stdin.flush()
            self.expect_message(bob, "hi bob, from the terminal", "erin")
            self.send(bob, "hi erin")
            msg, _ = read_json_lines(owner, lambda o: o.get("type") == "message" and o.get("text") == "hi erin")
            self.assertEqual(msg["sender"], "bob")
            self.assert_no_page_errors(bob)
        finally:
            owner.kill()


if __name__ == "__main__":
    unittest.main()
