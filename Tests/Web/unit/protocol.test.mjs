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
  const built = {
    "relay-auth": [protocol.authPayload(challenge, v.relay_id, v.origin), alice.signing],
    "room-join": [protocol.joinPayload(challenge, alice.signing.publicKey), access],
    "create-room open": [protocol.createRoomPayload(v.room, "open", 86400, 50, access.publicKey), alice.signing],
    "create-room approval": [protocol.createRoomPayload(v.room, "approval", 3600, 7, null), alice.signing],
    "agreement-key": [protocol.agreementKeyPayload(alice.agreement.publicKey), alice.signing],
  };
  assert.deepEqual(Object.keys(built).sort(), v.payloads.map((p) => p.name).sort());
  for (const p of v.payloads) {
    const [payload, signer] = built[p.name];
    assert.equal(hex(payload), p.payload, p.name);
    assert.equal(hex(await ed25519Sign(signer.privateKey, payload)), p.signature, p.name);
    assert.ok(await ed25519Verify(signer.publicKey, fromHex(p.signature), payload), p.name);
  }
});
