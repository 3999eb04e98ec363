import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "./vectors.mjs";
import * as fernet from "../../../web/client/fernet.js";
import { utf8, fromUtf8 } from "../../../web/client/bytes.js";

const seconds = (rfc3339) => Math.floor(Date.parse(rfc3339) / 1000);

test("generate vectors give the spec's exact tokens", async () => {
  for (const v of readVector("fernet/generate.json")) {
    const token = await fernet.encrypt(fernet.parseKey(v.secret), utf8(v.src), seconds(v.now), Uint8Array.from(v.iv));
    assert.equal(token, v.token);
  }
});

test("verify vectors decrypt with their TTL", async () => {
  for (const v of readVector("fernet/verify.json")) {
    const { plaintext } = await fernet.decrypt([fernet.parseKey(v.secret)], v.token, { ttl: v.ttl_sec, now: seconds(v.now) });
    assert.equal(fromUtf8(plaintext), v.src);
  }
});

test("every invalid vector is refused with the Swift reader's class", async () => {
  const expected = {
    "incorrect mac": "unauthentic", "too short": "malformed", "invalid base64": "malformed", "payload size not multiple of block size": "malformed",
    "payload padding error": "malformed", "far-future TS (unacceptable clock skew)": "future", "expired TTL": "expired", "incorrect IV (causes padding error)": "malformed",
  };
  const vectors = readVector("fernet/invalid.json");
  assert.equal(vectors.length, 8);
  for (const v of vectors) {
    await assert.rejects(fernet.decrypt([fernet.parseKey(v.secret)], v.token, { ttl: v.ttl_sec, now: seconds(v.now) }),
      (e) => { assert.equal(e.kind, expected[v.desc], v.desc); return true; });
  }
});

test("several keys: the first whose HMAC matches opens the token (MultiFernet)", async () => {
  const a = new Uint8Array(32).fill(1), b = new Uint8Array(32).fill(2);
  const token = await fernet.encrypt(b, utf8("rotated"));
  const { plaintext, keyIndex } = await fernet.decrypt([a, b], token);
  assert.equal(fromUtf8(plaintext), "rotated");
  assert.equal(keyIndex, 1);
  await assert.rejects(fernet.decrypt([a], token), (e) => e.kind === "unauthentic");
});
