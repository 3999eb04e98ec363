import { test } from "node:test";
import assert from "node:assert/strict";
import { parseInvite, formatInvite } from "../../../web/client/invite.js";
import { canonicalOrigin } from "../../../web/client/protocol.js";

const ROOM = "3q2-7wAAAAAAAAAAAAAAAA";
const OWNER = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4";

test("canonical links parse and write back unchanged (docs/invite.md examples)", () => {
  for (const link of [
    `http://127.0.0.1:5000/join/${ROOM}#v=2&k=${KEY}`,
    `https://chat.example.org/join/${ROOM}#v=2&o=${OWNER}`,
    `https://[2001:db8::1]:8443/join/${ROOM}#v=2`,
    `http://127.0.0.1:5000/join/${ROOM}#v=2&o=${OWNER}&k=${KEY}`,
  ]) assert.equal(formatInvite(parseInvite(link)), link);
  const p = parseInvite(`http://127.0.0.1:5000/join/${ROOM}#k=${KEY}&o=${OWNER}&v=2`);
  assert.equal(p.key.length, 32);
  assert.equal(p.owner.length, 32);
});

test("malformed links fail with the document's error for the first broken rule", () => {
  const table = [
    ["", "empty"],
    [`http://h/join/${ROOM}#v=2 `, "invalidCharacter"],
    [`ftp://h/join/${ROOM}#v=2`, "unsupportedScheme"],
    [`http://:80/join/${ROOM}#v=2`, "missingHost"],
    [`http://h_x/join/${ROOM}#v=2`, "invalidHost"],
    [`http://h:0/join/${ROOM}#v=2`, "invalidPort"],
    [`http://h:65536/join/${ROOM}#v=2`, "invalidPort"],
    [`http://h/join/${ROOM}?k=1#v=2`, "queryNotAllowed"],
    [`http://h/room/${ROOM}#v=2`, "missingJoinPath"],
    ["http://h/join/#v=2", "missingRoomID"],
    ["http://h/join/3q2-7wAAAAAAAAAAAAAAAB#v=2", "invalidRoomID"],
    [`http://h/join/${ROOM}`, "unknownVersion"],
    [`http://h/join/${ROOM}#v=2&x`, "malformedParameter"],
    [`http://h/join/${ROOM}#v=2&v=2`, "duplicateParameter"],
    [`http://h/join/${ROOM}#v=3&zz=1`, "unknownVersion"],
    [`http://h/join/${ROOM}#v=2&zz=1`, "unknownParameter"],
    [`http://h/join/${ROOM}#v=1&o=${OWNER}`, "unknownParameter"],
    [`http://h/join/${ROOM}#v=2&o=AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, "invalidOwner"],
    [`http://h/join/${ROOM}#v=2&k=abc`, "invalidKeyLength"],
    [`http://h/join/${ROOM}#v=2&k=cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e5`, "invalidKey"],
  ];
  for (const [link, code] of table) assert.throws(() => parseInvite(link), (e) => e.code === code, `${link} → ${code}`);
});

test("the origin a sign-in names is written canonically", () => {
  assert.equal(canonicalOrigin("http://127.0.0.1:5000"), "ws://127.0.0.1:5000");
  assert.equal(canonicalOrigin("https://Chat.Example.org"), "wss://chat.example.org:443");
  assert.equal(canonicalOrigin("http://[::1]:8080/join/x"), "ws://[::1]:8080");
  assert.equal(canonicalOrigin("http://localhost"), "ws://localhost:80");
  assert.equal(canonicalOrigin("ftp://h"), null);
  assert.equal(canonicalOrigin("http://u@h"), null);
});
