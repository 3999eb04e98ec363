// A securechat identity in the browser (docs/formats.md, "Identity"): one X25519 secret `s`;
// the Ed25519 signing key's seed is HKDF-SHA256(IKM = s, salt = empty,
// info = "securechat/v1/ed25519-signing-key", L = 32). Public identity = (X25519 key X,
// Ed25519 key E); its fingerprint and the safety numbers people compare are defined here.

import { concat, randomBytes, utf8 } from "./bytes.js";
import { ed25519FromSeed, hkdf, sha256, x25519FromPrivate } from "./primitives.js";

export const SIGNING_KEY_INFO = "securechat/v1/ed25519-signing-key";

/**
 * The identity of the X25519 secret `secret` (32 bytes): `{ agreement, signing }`, each
 * `{ privateKey: CryptoKey, publicKey: Uint8Array }`, private keys not extractable.
 */
export async function identityFromSecret(secret) {
  const seed = await hkdf(secret, utf8(SIGNING_KEY_INFO), 32);
  const signing = await ed25519FromSeed(seed);
  seed.fill(0);
  const agreement = await x25519FromPrivate(secret);
  return { agreement, signing };
}

export async function generateIdentity() {
  const secret = randomBytes(32);
  const id = await identityFromSecret(secret);
  secret.fill(0);
  return id;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes) {
  let out = "", acc = 0, bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b; bits += 8;
    while (bits >= 5) { bits -= 5; out += BASE32[(acc >> bits) & 31]; }
  }
  if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31];
  return out;
}

/** `7kqf-3zma-x2pd-9wne`: 80 bits of SHA-256("securechat/v1/fingerprint" ‖ X ‖ E). */
export async function fingerprint(agreementKey, signingKey) {
  const d = await sha256(concat(utf8("securechat/v1/fingerprint"), agreementKey, signingKey));
  const s = base32(d.subarray(0, 10));
  return [0, 4, 8, 12].map((i) => s.slice(i, i + 4)).join("-");
}

/** One member's 30 digits (docs/formats.md, "Safety numbers"). */
export async function safetyDigits(agreementKey, signingKey) {
  const h = await sha256(concat(utf8("securechat/v2/safety-number"), Uint8Array.of(0), agreementKey, signingKey));
  let out = "";
  for (let k = 0; k < 6; k++) {
    let v = 0n;
    for (const x of h.subarray(5 * k, 5 * k + 5)) v = (v << 8n) | BigInt(x);
    out += String(v % 100000n).padStart(5, "0");
  }
  return out;
}

/** The 60-digit safety number of two members `{ agreementKey, signingKey }`, in twelve groups. */
export async function safetyNumber(a, b) {
  const [lo, hi] = [await safetyDigits(a.agreementKey, a.signingKey), await safetyDigits(b.agreementKey, b.signingKey)].sort();
  return (lo + hi).match(/.{5}/g).join(" ");
}
