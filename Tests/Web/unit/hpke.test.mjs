import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "./vectors.mjs";
import * as hpke from "../../../web/client/hpke.js";
import { x25519FromPrivate } from "../../../web/client/primitives.js";
import { fromHex, hex } from "../../../web/client/bytes.js";

const [v] = readVector("hpke/rfc9180_a1_1_x25519_sha256_aes128gcm.json");

test("RFC 9180 A.1.1: the sealed first message is the RFC's, and it opens", async () => {
  const eph = await x25519FromPrivate(fromHex(v.skEm));
  assert.equal(hex(eph.publicKey), v.pkEm);
  const first = v.encryptions[0];
  const { enc, ct } = await hpke.seal(fromHex(v.pkRm), fromHex(v.info), fromHex(first.pt), fromHex(first.aad), eph);
  assert.equal(hex(enc), v.enc);
  assert.equal(hex(ct), first.ct);
  const recipient = await x25519FromPrivate(fromHex(v.skRm));
  assert.equal(hex(await hpke.open(recipient, enc, ct, fromHex(v.info), fromHex(first.aad))), first.pt);
});

test("a ciphertext altered by one bit, or opened with other info, does not open", async () => {
  const recipient = await x25519FromPrivate(fromHex(v.skRm));
  const { enc, ct } = await hpke.seal(recipient.publicKey, fromHex(v.info), new Uint8Array(32).fill(7));
  const bad = Uint8Array.from(ct); bad[0] ^= 1;
  await assert.rejects(hpke.open(recipient, enc, bad, fromHex(v.info)));
  await assert.rejects(hpke.open(recipient, enc, ct, new Uint8Array(0)));
  assert.equal(hex(await hpke.open(recipient, enc, ct, fromHex(v.info))), "07".repeat(32));
});

test("sealing to a small-order key is refused", async () => {
  await assert.rejects(hpke.seal(new Uint8Array(32), fromHex(v.info), new Uint8Array(32)));
});
