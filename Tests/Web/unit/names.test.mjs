// Signed names, the join's fingerprint and the order of sends across a rate-limit refusal
// (docs/protocol.md, "Names", "A sender's order is kept across refusals"), against a scripted relay.
import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { RoomSession } from "../../../web/client/session.js";
import { fingerprint, identityFromSecret } from "../../../web/client/identity.js";
import * as group from "../../../web/client/group.js";
import { ed25519Sign, ed25519Verify } from "../../../web/client/primitives.js";
import { memberNamePayload } from "../../../web/client/protocol.js";
import { b64url } from "../../../web/client/bytes.js";

const ROOM = "AAAAAAAAAAAAAAAAAAAAAA";
const KEY = new Uint8Array(32).fill(0xa1);
const owner = await identityFromSecret(new Uint8Array(32).fill(1));
const bob = await identityFromSecret(new Uint8Array(32).fill(2));
const mallory = await identityFromSecret(new Uint8Array(32).fill(3));
const OWNER = b64url(owner.signing.publicKey), BOB = b64url(bob.signing.publicKey);

class FakeSocket {
  static last = null;
  constructor(url) { this.url = url; this.readyState = 1; this.sent = []; FakeSocket.last = this; }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; }
}

const frame = (obj) => JSON.stringify(obj);
const commitFrame = (c, seq) => frame({ type: "commit", room_id: ROOM, seq, commit: b64url(group.commitBytes(c)), time: 1700000000 });

/** The owner's live session in a fresh open room, with its events and socket. */
async function ownerLive({ limits = {} } = {}) {
  const events = [];
  const s = new RoomSession({ identity: owner, name: "Olivia", server: "http://127.0.0.1:5000", roomID: ROOM, policy: "open", keys: [KEY], ownerPin: owner.signing.publicKey },
    (type, detail) => events.push({ type, detail }), FakeSocket);
  s.start();
  const socket = FakeSocket.last;
  await s.receive(frame({ type: "hello", protocol: 2, relay: "relay1", challenge: b64url(new Uint8Array(32).fill(7)), limits }));
  await s.receive(frame({ type: "joined", room_id: ROOM, role: "owner", policy: "open", expires_at: 2e9, max_members: 50, last_seq: 0 }));
  const create = await group.buildCreate(ROOM, "open", KEY, owner);
  await s.receive(commitFrame(create, 0));
  await s.receive(frame({ type: "synced", room_id: ROOM, seq: 0 }));
  return { s, events, socket, create };
}

async function statement(who, name, version, room = ROOM) {
  return b64url(await ed25519Sign(who.signing.privateKey, memberNamePayload(room, version, name)));
}

const nameEvent = async (who, name, version, signature) => frame({
  type: "event", room_id: ROOM, event: "name", member: b64url(who.signing.publicKey), name, name_version: version,
  name_signature: signature ?? await statement(who, name, version), time: 1700000001,
});

test("once a member, the page's name is signed and claimed; a room that holds a signed name keeps it", async () => {
  const { s, socket } = await ownerLive();
  const claim = socket.sent.find((f) => f.type === "set_name");
  assert.equal(claim.name, "Olivia");
  assert.ok(Number.isSafeInteger(claim.version) && claim.version >= 1);
  assert.ok(await ed25519Verify(owner.signing.publicKey, Uint8Array.from(Buffer.from(claim.signature, "base64url")), memberNamePayload(ROOM, claim.version, "Olivia")));
  // The relay answers with the event; the claim is settled and not sent again on the next commit.
  await s.receive(await nameEvent(owner, "Olivia", claim.version, claim.signature));
  await s.receive(commitFrame(await group.buildRotate(s.group, new Uint8Array(32).fill(5), owner), 1));
  assert.equal(socket.sent.filter((f) => f.type === "set_name").length, 1);

  const second = await ownerLive();
  await second.s.receive(frame({ type: "roster", room_id: ROOM, members: [{ member: OWNER, agreement_key: b64url(owner.agreement.publicKey), name: "Liv", role: "owner", online: true,
    name_version: 5, name_signature: await statement(owner, "Liv", 5) }] }));
  await second.s.groupDuties();
  assert.equal(second.s.nameOf(owner.signing.publicKey), "Liv");
});

test("a signed name change is shown as OLD is now called NEW; forged, other-room and older ones are not", async () => {
  const { s, events } = await ownerLive();
  await s.receive(frame({ type: "roster", room_id: ROOM, members: [{ member: BOB, agreement_key: b64url(bob.agreement.publicKey), name: "bob", role: "member", online: true }] }));
  assert.equal(s.nameOf(bob.signing.publicKey), "bob");

  await s.receive(await nameEvent(bob, "<b>Robert</b>", 10));
  assert.deepEqual(events.filter((e) => e.type === "notice" && e.detail.kind === "name").map((e) => e.detail), [{ kind: "name", member: "bob", detail: "<b>Robert</b>", time: 1700000001 }]);
  assert.equal(s.nameOf(bob.signing.publicKey), "<b>Robert</b>");

  const problems = () => events.filter((e) => e.type === "problem").length;
  const before = problems();
  await s.receive(await nameEvent(bob, "Mallory's pick", 11, await statement(mallory, "Mallory's pick", 11)));
  await s.receive(await nameEvent(bob, "other room", 12, await statement(bob, "other room", 12, "BBBBBBBBBBBBBBBBBBBBBB")));
  await s.receive(await nameEvent(bob, "old name", 9));
  assert.equal(s.nameOf(bob.signing.publicKey), "<b>Robert</b>");
  assert.equal(problems(), before + 2);

  // An unsigned name (roster, event join) no longer replaces the verified one.
  await s.receive(frame({ type: "roster", room_id: ROOM, members: [{ member: BOB, agreement_key: b64url(bob.agreement.publicKey), name: "relay says", role: "member", online: true }] }));
  await s.receive(frame({ type: "event", room_id: ROOM, event: "join", member: BOB, name: "relay again", agreement_key: b64url(bob.agreement.publicKey), time: 1 }));
  assert.equal(s.nameOf(bob.signing.publicKey), "<b>Robert</b>");
  // A roster statement that does not verify counts as an unsigned name only.
  await s.receive(frame({ type: "roster", room_id: ROOM, members: [{ member: BOB, name: "forged", name_version: 99, name_signature: await statement(mallory, "forged", 99) }] }));
  assert.equal(s.nameOf(bob.signing.publicKey), "<b>Robert</b>");
});

test("setName signs a version above every statement held, and a relay without names is no problem", async () => {
  const { s, socket, events } = await ownerLive();
  const claim = socket.sent.find((f) => f.type === "set_name");
  await s.receive(frame({ type: "error", code: "unknown_type", message: "unknown frame type" }));
  assert.equal(events.filter((e) => e.type === "problem").length, 0);
  const far = Date.now() + 1e9;
  await s.receive(await nameEvent(owner, "Olivia", far));
  await s.setName("Liv");
  const rename = socket.sent.at(-1);
  assert.equal(rename.type, "set_name");
  assert.equal(rename.version, far + 1);
  assert.ok(rename.version > claim.version);
  await s.setName("\u0007bell");
  assert.equal(socket.sent.at(-1), rename);
  assert.match(events.at(-1).detail.text, /1 to 64 characters/);
});

test("a join is shown with the fingerprint of the agreement key its commit signs", async () => {
  const { s, events } = await ownerLive();
  await s.receive(frame({ type: "event", room_id: ROOM, event: "join", member: BOB, name: "bob", agreement_key: b64url(mallory.agreement.publicKey), time: 1 }));
  const join = await group.buildJoin(s.group, KEY, bob);
  await s.receive(commitFrame(join, 1));
  const notice = events.find((e) => e.type === "notice" && e.detail.kind === "join").detail;
  assert.equal(notice.member, "bob");
  assert.equal(notice.fingerprint, await fingerprint(bob.agreement.publicKey, bob.signing.publicKey));
  assert.notEqual(notice.fingerprint, await fingerprint(mallory.agreement.publicKey, bob.signing.publicKey));
});

test("a send refused with rate_limited goes again after retry_after_ms, and nothing after it commits first", async () => {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_800_000_000_000 });
  try {
    const { s, socket } = await ownerLive({ limits: { messages_per_second: 4 } });
    for (const text of ["one", "two", "three"]) await s.sendText(text);
    const sends = () => socket.sent.filter((f) => f.type === "send");
    const [one, two, three] = sends();
    assert.deepEqual(sends().length, 3);
    // The relay refuses "one" and holds the two after it.
    await s.receive(frame({ type: "error", code: "rate_limited", message: "slow down", limit: "messages_per_second", room_id: ROOM, client_id: one.client_id, retry_after_ms: 700 }));
    await s.receive(frame({ type: "error", code: "rate_limited", message: "held", room_id: ROOM, client_id: two.client_id }));
    await s.receive(frame({ type: "error", code: "rate_limited", message: "held", room_id: ROOM, client_id: three.client_id }));
    await s.sendText("four");
    assert.equal(sends().length, 3, "nothing is sent during the hold");
    mock.timers.tick(699);
    await s.queue;
    assert.equal(sends().length, 3);
    mock.timers.tick(1);
    await s.queue;
    assert.deepEqual(sends().slice(3).map((f) => f.client_id), [one.client_id]);
    assert.deepEqual(sends()[3], one, "the refused message goes again unchanged");
    // Then one per 1/4 s, in order.
    for (const expected of [two, three]) {
      mock.timers.tick(250);
      await s.queue;
      assert.deepEqual(sends().at(-1), expected);
    }
    mock.timers.tick(250);
    await s.queue;
    assert.deepEqual(sends().map((f) => f.client_id).slice(3), [one, two, three].map((f) => f.client_id).concat(sends().at(-1).client_id));
    assert.equal(sends().length, 7);
    // Nothing is left waiting: the next message goes at once.
    await s.sendText("five");
    assert.equal(sends().length, 8);
    s.stop();
  } finally {
    mock.timers.reset();
  }
});
