import { test } from "node:test";
import assert from "node:assert/strict";
import { readVector } from "./vectors.mjs";
import * as protocol from "../../../web/client/protocol.js";
import { identityFromSecret, fingerprint, safetyDigits, safetyNumber } from "../../../web/client/identity.js";
import { accessKeyPair } from "../../../web/client/group.js";
import { ed25519Sign, ed25519Verify } from "../../../web/client/primitives.js";
import { fromHex, hex } from "../../../web/client/bytes.js";

// Tests/Vectors/protocol/signatures.json, written by the Swift ProtocolVectorTests.
const v = readVector("protocol/signatures.json");

test("identities, fingerprints and safety numbers are the Swift implementation's", async () => {
  const ids = [];
  for (const x of v.identities) {
    const id = await identityFromSecret(fromHex(x.x25519_secret));
    assert.equal(hex(id.agreement.publicKey), x.agreement_key);
    assert.equal(hex(id.signing.publicKey), x.signing_key);
    assert.equal(await fingerprint(id.agreement.publicKey, id.signing.publicKey), x.fingerprint);
    assert.equal(await safetyDigits(id.agreement.publicKey, id.signing.publicKey), x.safety_digits);
    ids.push({ id, pub: { agreementKey: id.agreement.publicKey, signingKey: id.signing.publicKey } });
  }
  assert.equal(await safetyNumber(ids[0].pub, ids[1].pub), v.safety_number);
});

test("every signed payload has the same bytes and the same signature here", async () => {
  const alice = await identityFromSecret(fromHex(v.identities[0].x25519_secret));
  const access = await accessKeyPair(v.room, fromHex(v.room_key));
  assert.equal(hex(access.publicKey), v.access_key);
  assert.equal(hex(protocol.roomKeyInfo(v.room)), v.room_key_info);
  const challenge = fromHex(v.challenge);
  const named = v.payloads.find((p) => p.name === "member-name");
  const built = {
    "relay-auth": [protocol.authPayload(challenge, v.relay_id, v.origin), alice.signing],
    "room-join": [protocol.joinPayload(challenge, alice.signing.publicKey), access],
    "create-room open": [protocol.createRoomPayload(v.room, "open", 86400, 50, access.publicKey), alice.signing],
    "create-room approval": [protocol.createRoomPayload(v.room, "approval", 3600, 7, null), alice.signing],
    "agreement-key": [protocol.agreementKeyPayload(alice.agreement.publicKey), alice.signing],
    "member-name": [protocol.memberNamePayload(v.room, named.version, named.display_name), alice.signing],
  };
  assert.deepEqual(Object.keys(built).sort(), v.payloads.map((p) => p.name).sort());
  for (const p of v.payloads) {
    const [payload, signer] = built[p.name];
    assert.equal(hex(payload), p.payload, p.name);
    assert.equal(hex(await ed25519Sign(signer.privateKey, payload)), p.signature, p.name);
    assert.ok(await ed25519Verify(signer.publicKey, fromHex(p.signature), payload), p.name);
  }
});

test("the member-name vector: a valid display name and version, bound to both", async () => {
  const alice = await identityFromSecret(fromHex(v.identities[0].x25519_secret));
  const p = v.payloads.find((x) => x.name === "member-name");
  assert.ok(protocol.isDisplayName(p.display_name) && protocol.isNameVersion(p.version));
  assert.ok(p.version > 2 ** 32, "the version needs all 8 bytes");
  const sig = fromHex(p.signature);
  assert.ok(await ed25519Verify(alice.signing.publicKey, sig, protocol.memberNamePayload(v.room, p.version, p.display_name)));
  for (const [room, version, name] of [[v.room, p.version + 1, p.display_name], [v.room, p.version, `${p.display_name} `], [`${v.room}A`, p.version, p.display_name]]) {
    assert.equal(await ed25519Verify(alice.signing.publicKey, sig, protocol.memberNamePayload(room, version, name)), false);
  }
});
