import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "./vectors.mjs";
import * as group from "../../../web/client/group.js";
import { x25519FromPrivate } from "../../../web/client/primitives.js";
import { fromHex, hex } from "../../../web/client/bytes.js";

/** Replays one vector case as a client would (the description in chains.json says how). */
async function replay(c) {
  const pinned = c.pinned_owner ? fromHex(c.pinned_owner) : null;
  let key = c.room_key ? fromHex(c.room_key) : null;
  const reader = c.reader ? fromHex(c.reader) : null;
  const agreement = c.reader_agreement_private ? await x25519FromPrivate(fromHex(c.reader_agreement_private)) : null;
  let state = null;
  const verdicts = [];
  for (const entry of c.commits) {
    try {
      const commit = group.parseCommit(fromHex(entry.commit));
      const next = state ? await group.applyCommit(state, commit) : await group.genesis(commit, pinned);
      if (commit.kind === group.KIND.create && key) await group.checkKey(key, commit);
      if (reader && agreement) {
        const opened = await group.openSealed(commit, reader, agreement);
        if (opened) key = opened;
      }
      state = next;
      verdicts.push("ok");
    } catch (e) {
      if (e instanceof group.RuleError) verdicts.push(e.code);
      else if (e instanceof group.CommitParseError) verdicts.push(`unparsable:${e.code}`);
      else throw e;
    }
  }
  return verdicts;
}

const vectors = readVector("group-state/chains.json");

test("the shared group-state vectors get the same verdicts here", async () => {
  assert.ok(vectors.cases.length >= 10);
  for (const c of vectors.cases) {
    assert.deepEqual(await replay(c), c.commits.map((x) => x.verdict), c.name);
  }
});

test("a parsed commit writes back to the same bytes", () => {
  for (const c of vectors.cases) for (const e of c.commits) {
    assert.equal(hex(group.commitBytes(group.parseCommit(fromHex(e.commit)))), e.commit);
  }
});

test("malformed commits get exact parse errors", () => {
  const good = fromHex(vectors.cases[0].commits[1].commit);
  const table = [
    ["empty", new Uint8Array(0), "truncated"],
    ["wrong label", Uint8Array.from(good).map((x, i) => (i === 0 ? x ^ 1 : x)), "wrong_label"],
    ["cut short", good.subarray(0, good.length - 1), "truncated"],
    ["trailing byte", Uint8Array.from([...good, 0]), "trailing_bytes"],
  ];
  for (const [name, bytes, code] of table) {
    assert.throws(() => group.parseCommit(bytes), (e) => e instanceof group.CommitParseError && e.code === code, name);
  }
  // The kind byte sits after label, id length, id, epoch and prev.
  const kindAt = 27 + 1 + good[27] + 8 + 32;
  const badKind = Uint8Array.from(good); badKind[kindAt] = 9;
  assert.throws(() => group.parseCommit(badKind), (e) => e.code === "unknown_kind");
  const badPolicy = Uint8Array.from(good); badPolicy[kindAt + 1 + 96] = 2;
  assert.throws(() => group.parseCommit(badPolicy), (e) => e.code === "unknown_policy");
});

test("commits this client builds are accepted by these rules, and keys open for the members", async () => {
  const { identityFromSecret } = await import("../../../web/client/identity.js");
  const owner = await identityFromSecret(new Uint8Array(32).fill(9));
  const bob = await identityFromSecret(new Uint8Array(32).fill(10));
  const k1 = new Uint8Array(32).fill(0xb1), k2 = new Uint8Array(32).fill(0xb2);
  const room = "AAAAAAAAAAAAAAAAAAAAAA";
  const create = await group.buildCreate(room, "open", k1, owner);
  let s = await group.genesis(group.parseCommit(group.commitBytes(create)), owner.signing.publicKey);
  await group.checkKey(k1, create);
  const join = await group.buildJoin(s, k1, bob);
  s = await group.applyCommit(s, group.parseCommit(group.commitBytes(join)));
  assert.equal(s.members.length, 2);
  const remove = await group.buildRemove(s, bob.signing.publicKey, k2, owner);
  const s2 = await group.applyCommit(s, remove);
  assert.equal(s2.members.length, 1);
  assert.equal(hex(await group.openSealed(remove, owner.signing.publicKey, owner.agreement)), hex(k2));
  const rotate = await group.buildRotate(s, k2, owner);
  await group.applyCommit(s, rotate);
  assert.equal(hex(await group.openSealed(rotate, bob.signing.publicKey, bob.agreement)), hex(k2));
  // Bob may not rotate: the key is not stale.
  await assert.rejects(group.applyCommit(s, await group.buildRotate(s, k2, bob)), (e) => e.code === "rotation_not_due");
});
