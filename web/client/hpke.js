// HPKE (RFC 9180) base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM: the
// one suite securechat uses, to seal room keys to members (docs/formats.md, "Sealed room keys").
// Single-shot: one message per context, sequence number 0.

import { bigEndian, concat, utf8 } from "./bytes.js";
import { hkdfExpand, hkdfExtract, x25519, x25519Generate } from "./primitives.js";

const subtle = globalThis.crypto.subtle;
const KEM_SUITE = concat(utf8("KEM"), bigEndian(0x20, 2));
const HPKE_SUITE = concat(utf8("HPKE"), bigEndian(0x20, 2), bigEndian(1, 2), bigEndian(1, 2));
const V1 = utf8("HPKE-v1");

const labeledExtract = (suite, salt, label, ikm) => hkdfExtract(salt, concat(V1, suite, utf8(label), ikm));
const labeledExpand = (suite, prk, label, info, n) => hkdfExpand(prk, concat(bigEndian(n, 2), V1, suite, utf8(label), info), n);

async function sharedSecret(dh, enc, pkR) {
  const prk = await labeledExtract(KEM_SUITE, new Uint8Array(0), "eae_prk", dh);
  return labeledExpand(KEM_SUITE, prk, "shared_secret", concat(enc, pkR), 32);
}

/** The key schedule of base mode: `{ key, baseNonce, exporterSecret }`. */
export async function keySchedule(shared, info) {
  const empty = new Uint8Array(0);
  const pskIDHash = await labeledExtract(HPKE_SUITE, empty, "psk_id_hash", empty);
  const infoHash = await labeledExtract(HPKE_SUITE, empty, "info_hash", info);
  const context = concat(Uint8Array.of(0), pskIDHash, infoHash);
  const secret = await labeledExtract(HPKE_SUITE, shared, "secret", empty);
  return {
    context,
    key: await labeledExpand(HPKE_SUITE, secret, "key", context, 16),
    baseNonce: await labeledExpand(HPKE_SUITE, secret, "base_nonce", context, 12),
    exporterSecret: await labeledExpand(HPKE_SUITE, secret, "exp", context, 32),
  };
}

async function gcm(key, nonce, usage, data, aad) {
  const k = await subtle.importKey("raw", key, { name: "AES-GCM" }, false, [usage]);
  const params = { name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 };
  return new Uint8Array(await (usage === "encrypt" ? subtle.encrypt(params, k, data) : subtle.decrypt(params, k, data)));
}

/**
 * Seals `plaintext` to the X25519 public key `pkR`: `{ enc, ct }`. `ephemeral` (a key pair
 * `{ privateKey, publicKey }`) is for tests against fixed vectors; normally a fresh one is made.
 */
export async function seal(pkR, info, plaintext, aad = new Uint8Array(0), ephemeral = null) {
  const e = ephemeral ?? (await x25519Generate());
  const dh = await x25519(e.privateKey, pkR);
  const shared = await sharedSecret(dh, e.publicKey, pkR);
  const ks = await keySchedule(shared, info);
  return { enc: e.publicKey, ct: await gcm(ks.key, ks.baseNonce, "encrypt", plaintext, aad) };
}

/** Opens what `seal` made for the recipient `{ privateKey, publicKey }`; throws when it does not open. */
export async function open(recipient, enc, ct, info, aad = new Uint8Array(0)) {
  const dh = await x25519(recipient.privateKey, enc);
  const shared = await sharedSecret(dh, enc, recipient.publicKey);
  const ks = await keySchedule(shared, info);
  return gcm(ks.key, ks.baseNonce, "decrypt", ct, aad);
}
