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

// ---- age identity files (docs/formats.md, "Identity") ----

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

function polymod(values) {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ gen[i]) >>> 0;
  }
  return chk;
}

/** Bech32 (BIP 173) decoding: `{ hrp, data }` (hrp in lowercase), or an Error saying what is wrong. */
export function bech32Decode(text) {
  if (!/^[\x21-\x7e]+$/.test(text)) throw new Error("invalid character");
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) throw new Error("mixed case");
  const s = text.toLowerCase();
  const sep = s.lastIndexOf("1");
  if (sep < 1 || sep + 7 > s.length) throw new Error("missing or misplaced separator");
  const hrp = s.slice(0, sep);
  const values = [];
  for (const c of s.slice(sep + 1)) {
    const v = BECH32.indexOf(c);
    if (v < 0) throw new Error("invalid character");
    values.push(v);
  }
  const expanded = [...Array.from(hrp, (c) => c.charCodeAt(0) >> 5), 0, ...Array.from(hrp, (c) => c.charCodeAt(0) & 31)];
  if (polymod([...expanded, ...values]) !== 1) throw new Error("invalid checksum");
  let acc = 0, bits = 0;
  const out = [];
  for (const v of values.slice(0, -6)) {
    acc = (acc << 5) | v; bits += 5;
    if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 0xff); }
  }
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) throw new Error("invalid padding");
  return { hrp, data: Uint8Array.from(out) };
}

/**
 * The X25519 secret of the first `AGE-SECRET-KEY-1…` line of an age identity file (what
 * `securechat keygen` writes; `#` lines are comments). A passphrase-protected file (an age
 * file itself) is refused with a message saying so.
 */
export function parseIdentityFile(text) {
  if (text.startsWith("age-encryption.org/") || text.startsWith("-----BEGIN AGE ENCRYPTED FILE-----")) {
    throw new Error("this identity file is protected by a passphrase; this page reads unprotected ones only (decrypt it with 'age -d' first)");
  }
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    if (!line.startsWith("AGE-SECRET-KEY-1")) throw new Error("the file holds a line that is not an age identity");
    let decoded;
    try { decoded = bech32Decode(line); } catch (e) { throw new Error(`malformed identity: ${e.message}`); }
    if (decoded.hrp !== "age-secret-key-" || decoded.data.length !== 32) throw new Error("malformed identity: not a 32-byte X25519 secret");
    return decoded.data;
  }
  throw new Error("the file holds no AGE-SECRET-KEY-1 line");
}
