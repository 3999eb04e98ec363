// Look-alike names as the CLI sees them: skeletons against the vectors the Swift code writes
// (Tests/Vectors/names/skeletons.json), the generated table against the Swift one, and the
// trust-on-first-use flag.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { skeleton, looksAlike } from "../../../web/client/skeleton.js";
import { confusablesTable } from "../../../web/client/confusables.js";
import { lookalikeOf, rosterLookalikes } from "../../../web/client/membership.js";

const root = new URL("../../../", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("Tests/Vectors/names/skeletons.json", root), "utf8"));
const fromHex = (list) => String.fromCodePoint(...list.map((h) => parseInt(h, 16)));

test("skeletons match the Swift implementation's, name by name", () => {
  assert.ok(vectors.skeletons.length > 1500);
  const wrong = [];
  for (const v of vectors.skeletons) {
    assert.equal(v.name, fromHex(v.name_code_points));
    const got = skeleton(v.name);
    if (got !== fromHex(v.skeleton)) wrong.push(`${JSON.stringify(v.name)}: ${[...got].map((c) => c.codePointAt(0).toString(16))} ≠ ${v.skeleton}`);
  }
  assert.deepEqual(wrong, []);
});

test("the browser's table is the Swift table (scripts/generate-confusables writes both)", () => {
  const swift = readFileSync(new URL("Sources/SecureChatCore/Names/ConfusablesTable.swift", root), "utf8");
  const body = (text, open, close) => text.slice(text.indexOf(open) + open.length, text.lastIndexOf(close));
  assert.equal(confusablesTable, body(swift, '"""', '"""'));
  assert.ok(confusablesTable.split("\n").length > 6000);
});

test("look-alikes: tricks are seen through, different or identical names are not flagged", () => {
  for (const n of ["\u0430lice", "alice ", "ali\u200bce", "\uff41lice", "a\u217cice", "alic\u0435\u00a0"]) assert.ok(looksAlike(n, "alice"), JSON.stringify(n));
  for (const [a, b] of [["alice", "alice"], ["alice", "alicia"], ["al ice", "alice"], ["\u00e9mile", "e\u0301mile"]]) assert.ok(!looksAlike(a, b));
});

test("a new name like a known member's under another key is flagged; the first one is not", () => {
  const known = { alice: "fp-alice", bob: "fp-bob" };
  assert.equal(lookalikeOf(known, "\u0430lice", "fp-mallory"), "alice");
  assert.equal(lookalikeOf(known, "alice ", "fp-alice"), null, "the same member under a look-alike of its own name");
  assert.equal(lookalikeOf(known, "carol", "fp-carol"), null);
  const withMallory = { ...known, "\u0430lice": "fp-mallory" };
  assert.equal(lookalikeOf(withMallory, "alice", "fp-alice"), null, "the member seen first keeps its name unflagged");
});

test("the roster marks a member whose name looks like another identity's, as the CLI's Member.looksLike", () => {
  const known = { alice: "fp-alice", "\u0430lice": "fp-mallory", bob: "fp-bob" };
  const roster = [
    { name: "alice", fingerprint: "fp-alice", self: false },
    { name: "\u0430lice", fingerprint: "fp-mallory", self: false },
    { name: "bob", fingerprint: "fp-bob", self: true },
    { name: "b\u043eb", fingerprint: "fp-eve", self: false }, // not yet in known: compared with all of it
    { name: "carol", fingerprint: null, self: false },
  ];
  assert.deepEqual(rosterLookalikes(roster, known), [null, "alice", null, "bob", null]);
  // This browser's own entry is never marked, whatever it looks like.
  assert.deepEqual(rosterLookalikes([{ name: "\u0430lice", fingerprint: "fp-me", self: true }], known), [null]);
});
