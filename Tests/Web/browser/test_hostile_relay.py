"""A hostile relay against the page. The real relay serves the page; the test answers the page's
WebSocket itself (Playwright's WebSocket routing) and says what a hostile relay would."""

import json
import re
import time
import unittest

from playwright.sync_api import expect

from support import BrowserTest

KEPT = "KeptRoomKeptRoomKeptRo"


class HostileRelay(BrowserTest):
    def test_a_join_code_answered_with_a_kept_room_leaves_that_room_as_it_was(self):
        page = self.person("victim")
        # A room this browser keeps, pinned to its real owner; and what the relay will answer a
        # join code with: a room of its own under the same id, whose "owner" admits the victim.
        plan = page.evaluate("""async (roomID) => {
            const { generateIdentity } = await import('/assets/identity.js');
            const { b64url } = await import('/assets/bytes.js');
            const group = await import('/assets/group.js');
            const store = await import('/assets/store.js');
            const owner = await generateIdentity();
            await store.putRoom({ roomID, server: location.origin, policy: 'approval', name: 'Team',
                ownerPin: b64url(owner.signing.publicKey), keys: [], resume: null, known: {} });
            const me = await store.getIdentity();
            const fake = await generateIdentity();
            const key = crypto.getRandomValues(new Uint8Array(32));
            const create = await group.buildCreate(roomID, 'approval', key, fake);
            const add = await group.buildAdd(await group.genesis(create, null), new Uint8Array(me.signingPublic),
                new Uint8Array(me.agreementPublic), key, fake);
            return { pin: b64url(owner.signing.publicKey), create: b64url(group.commitBytes(create)),
                     add: b64url(group.commitBytes(add)) };
        }""", KEPT)

        def relay(ws):
            def answer(text):
                f = json.loads(text)
                if f["type"] == "auth":
                    ws.send(json.dumps({"type": "authenticated"}))
                elif f["type"] == "knock":
                    ws.send(json.dumps({"type": "knocked", "room_id": KEPT, "expires_at": 0}))
                    ws.send(json.dumps({"type": "approved", "room_id": KEPT, "commit": plan["add"]}))
                elif f["type"] == "join":
                    ws.send(json.dumps({"type": "joined", "room_id": KEPT, "last_seq": 2, "role": "member",
                                        "policy": "approval", "expires_at": 0}))
                    ws.send(json.dumps({"type": "commit", "room_id": KEPT, "seq": 1, "commit": plan["create"], "time": 1}))
                    ws.send(json.dumps({"type": "commit", "room_id": KEPT, "seq": 2, "commit": plan["add"], "time": 2}))
                    ws.send(json.dumps({"type": "synced", "room_id": KEPT, "seq": 2}))
            ws.on_message(answer)
            ws.send(json.dumps({"type": "hello", "protocol": 2, "relay": "relay1",
                                "challenge": "A" * 43, "limits": {}}))

        page.route_web_socket(re.compile(r".*/v2/ws$"), relay)
        page.fill("#join-input", "123456")
        page.click("#join-button")
        expect(page.locator("#banner")).to_contain_text("already keeps")
        time.sleep(1)  # past the page's 200 ms save delay
        kept = page.evaluate("async (id) => (await import('/assets/store.js')).getRoom(id)", KEPT)
        self.assertEqual(kept["ownerPin"], plan["pin"])
        self.assertEqual(kept["name"], "Team")
        self.assertEqual(kept["keys"], [])

    def test_the_store_never_replaces_a_kept_rooms_owner(self):
        page = self.person("victim")
        outcome = page.evaluate("""async () => {
            const store = await import('/assets/store.js');
            const room = { roomID: 'PinnedPinnedPinnedPinn', server: location.origin, policy: 'open', name: 'x',
                ownerPin: 'A'.repeat(43), keys: [], resume: null, known: {} };
            await store.putRoom(room);
            let refused = null;
            try { await store.putRoom({ ...room, ownerPin: 'B'.repeat(43) }); } catch (e) { refused = e.message; }
            return { refused, kept: (await store.getRoom(room.roomID)).ownerPin };
        }""")
        self.assertIn("another owner", outcome["refused"] or "")
        self.assertEqual(outcome["kept"], "A" * 43)


if __name__ == "__main__":
    unittest.main()
