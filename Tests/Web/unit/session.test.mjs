// The room session against a scripted relay (no sockets): what a hostile or broken relay
// shows it, and what it sends in return.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RoomSession } from "../../../web/client/session.js";
import { identityFromSecret } from "../../../web/client/identity.js";
import * as group from "../../../web/client/group.js";
import * as fernet from "../../../web/client/fernet.js";
import { signEnvelope } from "../../../web/client/envelope.js";
import { ed25519Sign } from "../../../web/client/primitives.js";
import { agreementKeyPayload } from "../../../web/client/protocol.js";
import { b64url, utf8 } from "../../../web/client/bytes.js";

const ROOM = "AAAAAAAAAAAAAAAAAAAAAA";
const KEY = new Uint8Array(32).fill(0xa1);
const owner = await identityFromSecret(new Uint8Array(32).fill(1));
const bob = await identityFromSecret(new Uint8Array(32).fill(2));
const mallory = await identityFromSecret(new Uint8Array(32).fill(3));

class FakeSocket {
  static last = null;
  constructor(url) { this.url = url; this.readyState = 1; this.sent = []; FakeSocket.last = this; }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; }
}

/** A session of `who` in ROOM (open, keys known), signed in and joined; returns it with its events. */
async function joinedSession(who, { ownerPin = owner.signing.publicKey, resume = {} } = {}) {
  const events = [];
  const s = new RoomSession({ identity: who, name: "me", server: "http://127.0.0.1:5000", roomID: ROOM, policy: "open", keys: [KEY], ownerPin, resume },
    (type, detail) => events.push({ type, detail }), FakeSocket);
  s.start();
  await s.receive(JSON.stringify({ type: "hello", protocol: 2, relay: "relay1", challenge: b64url(new Uint8Array(32).fill(7)), limits: {} }));
  await s.receive(JSON.stringify({ type: "joined", room_id: ROOM, role: "member", policy: "open", expires_at: 2e9, max_members: 50, last_seq: 0 }));
  return { s, events, socket: FakeSocket.last };
}

const frame = (obj) => JSON.stringify(obj);
const commitFrame = (c, seq) => frame({ type: "commit", room_id: ROOM, seq, commit: b64url(group.commitBytes(c)), time: 1700000000 });

test("the sign-in and the join carry the signatures the protocol asks for", async () => {
  const { socket } = await joinedSession(bob);
  assert.deepEqual(socket.sent.map((f) => f.type), ["auth", "join"]);
  assert.equal(socket.url, "ws://127.0.0.1:5000/v2/ws");
  assert.equal(socket.sent[0].protocol, 2);
  assert.equal(socket.sent[1].proof.length, 86);
});

test("a room founded by another key than the invite pins is refused, and the session stops at synced", async () => {
  const { s, events } = await joinedSession(bob);
  const forged = await group.buildCreate(ROOM, "open", KEY, mallory);
  await s.receive(commitFrame(forged, 0));
  assert.match(events.find((e) => e.type === "problem").detail.text, /breaks the room's rules.*owner the invite names/);
  await s.receive(frame({ type: "synced", room_id: ROOM, seq: 0 }));
  assert.deepEqual(events.at(-1), { type: "finished", detail: { reason: "untrusted relay", detail: "the relay sent no group state for the room" } });
});

test("a relay that shows another chain than the one kept is caught", async () => {
  const real = await group.buildCreate(ROOM, "open", KEY, owner);
  const kept = { groupEpoch: "1", groupHead: b64url(new Uint8Array(32).fill(9)) };
  const { s, events } = await joinedSession(bob, { resume: kept });
  await s.receive(commitFrame(real, 0));
  await s.receive(frame({ type: "synced", room_id: ROOM, seq: 0 }));
  assert.equal(events.at(-1).type, "finished");
  assert.match(events.at(-1).detail.detail, /older or another group state/);
});

test("messages: valid, forged sender, replayed; the verdicts formats.md gives", async () => {
  const { s, events, socket } = await joinedSession(bob);
  const create = await group.buildCreate(ROOM, "open", KEY, owner);
  await s.receive(commitFrame(create, 0));
  await s.receive(frame({ type: "synced", room_id: ROOM, seq: 0 }));
  // Live: bob owes its join commit.
  assert.equal(socket.sent.at(-1).type, "commit");
  const token = await fernet.encrypt(KEY, await signEnvelope({ sender: owner.signing.publicKey, roomID: ROOM, counter: 1n, time: 1700000000n, body: utf8("<b>hi</b>") }, owner.signing.privateKey));
  const msg = (seq, sender, ciphertext) => frame({ type: "message", room_id: ROOM, seq, sender: b64url(sender), client_id: `c${seq}`, ciphertext, time: 1700000000 });
  await s.receive(msg(1, owner.signing.publicKey, token));
  await s.receive(msg(2, mallory.signing.publicKey, token));
  await s.receive(msg(3, owner.signing.publicKey, token));
  await s.receive(msg(4, owner.signing.publicKey, "gAAAA" + "A".repeat(120)));
  const seen = events.filter((e) => e.type === "message" || e.type === "rejected").map((e) => e.detail.verdict ?? e.detail.text);
  assert.deepEqual(seen, ["<b>hi</b>", "forged", "replayed", "undecryptable"]);
});

test("a knock whose agreement key the knocker did not sign is ignored; a signed one is offered", async () => {
  const { s, events } = await joinedSession(bob);
  const binding = b64url(await ed25519Sign(mallory.signing.privateKey, agreementKeyPayload(mallory.agreement.publicKey)));
  const knock = (agreementKey, b) => frame({ type: "knock", room_id: ROOM, knock_id: "k".repeat(22), member: b64url(mallory.signing.publicKey), agreement_key: b64url(agreementKey), binding: b, name: "<img src=x>", time: 1 });
  await s.receive(knock(owner.agreement.publicKey, binding));
  assert.match(events.at(-1).detail.text, /not signed by the knocker/);
  await s.receive(knock(mallory.agreement.publicKey, binding));
  assert.equal(s.knocks.length, 1);
  assert.equal(s.knocks[0].name, "<img src=x>");
});

test("an unacknowledged message is sent again, unchanged, after a reconnect", async () => {
  const { s, socket } = await joinedSession(owner);
  await s.receive(commitFrame(await group.buildCreate(ROOM, "open", KEY, owner), 0));
  await s.receive(frame({ type: "synced", room_id: ROOM, seq: 0 }));
  await s.sendText("kept until acknowledged");
  const first = socket.sent.find((f) => f.type === "send");
  s.closedByUs = true; // no timer in a test: reconnect by hand
  s.connect();
  const again = FakeSocket.last;
  s.closedByUs = false;
  await s.receive(frame({ type: "hello", protocol: 2, relay: "relay1", challenge: b64url(new Uint8Array(32).fill(8)), limits: {} }));
  assert.deepEqual(again.sent.at(-1), { type: "join", room_id: ROOM, after_seq: 0, proof: again.sent.at(-1).proof });
  await s.receive(frame({ type: "joined", room_id: ROOM, role: "owner", policy: "open", expires_at: 2e9, max_members: 50, last_seq: 0 }));
  await s.receive(commitFrame(await group.buildCreate(ROOM, "open", KEY, owner), 0));
  await s.receive(frame({ type: "synced", room_id: ROOM, seq: 0 }));
  const resent = again.sent.find((f) => f.type === "send");
  assert.deepEqual(resent, first);
});

test("relay-made text is shown only within the protocol's limits: knock notes, error messages", async () => {
  const { s, events } = await joinedSession(owner);
  const binding = await ed25519Sign(mallory.signing.privateKey, agreementKeyPayload(mallory.agreement.publicKey));
  const knock = (id, note) => frame({ type: "knock", room_id: ROOM, knock_id: id.repeat(22), member: b64url(mallory.signing.publicKey),
    agreement_key: b64url(mallory.agreement.publicKey), binding: b64url(binding), name: "mallory", note, time: 1 });
  await s.receive(knock("a", "let me in\u202eplease\u0007" + "x".repeat(100_000)));
  await s.receive(knock("b", { a: 1 }));
  await s.receive(knock("c", "hi, it is me"));
  assert.deepEqual(s.knocks.map((k) => k.note), [null, null, "hi, it is me"]);
  assert.ok(events.filter((e) => e.type === "notice" && e.detail.kind === "knock").every((e) => e.detail.detail === null || e.detail.detail === "hi, it is me"));

  await s.receive(frame({ type: "error", code: "rate_limited", message: "\u202e" + "y".repeat(50_000) }));
  assert.equal(events.at(-1).detail.text, "the relay says: rate_limited");
  await s.receive(frame({ type: "error", code: "x".repeat(500), message: "slow down" }));
  assert.equal(events.at(-1).detail.text, "the relay says: slow down");
});
