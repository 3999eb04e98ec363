// A securechat identity in the browser (docs/formats.md, "Identity"): one X25519 secret `s`;
// the Ed25519 signing key's seed is HKDF-SHA256(IKM = s, salt = empty,
// info = "securechat/v1/ed25519-signing-key", L = 32). Public identity = (X25519 key X,
// Ed25519 key E); its fingerprint and the safety numbers people compare are defined here.

import { concat, fromUtf8Strict, randomBytes, utf8 } from "./bytes.js";
import { ed25519FromSeed, hkdf, sha256, x25519FromPrivate, x25519PrivateBytes } from "./primitives.js";
import { decryptWithPassphrase, encryptWithPassphrase, looksLikeAge } from "./age.js";

export const SIGNING_KEY_INFO = "securechat/v1/ed25519-signing-key";

/**
 * The identity of the X25519 secret `secret` (32 bytes): `{ agreement, signing }`, each
 * `{ privateKey: CryptoKey, publicKey: Uint8Array }`. The signing key is never extractable; the
 * agreement key is extractable with `exportable` only, which is what lets this browser write
 * the identity to a file later (the secret is the whole identity: docs/web-client.md).
 */
export async function identityFromSecret(secret, { exportable = false } = {}) {
  const seed = await hkdf(secret, utf8(SIGNING_KEY_INFO), 32);
  const signing = await ed25519FromSeed(seed);
  seed.fill(0);
  const agreement = await x25519FromPrivate(secret, exportable);
  return { agreement, signing };
}

export async function generateIdentity({ exportable = false } = {}) {
  const secret = randomBytes(32);
  const id = await identityFromSecret(secret, { exportable });
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

function hrpExpand(hrp) {
  return [...Array.from(hrp, (c) => c.charCodeAt(0) >> 5), 0, ...Array.from(hrp, (c) => c.charCodeAt(0) & 31)];
}

/** Bech32 (BIP 173) encoding of `data` under `hrp`, in lowercase. */
export function bech32Encode(hrp, data) {
  const values = [];
  let acc = 0, bits = 0;
  for (const b of data) {
    acc = ((acc << 8) | b) & 0xfff; bits += 8;
    while (bits >= 5) { bits -= 5; values.push((acc >> bits) & 31); }
  }
  if (bits > 0) values.push((acc << (5 - bits)) & 31);
  const chk = polymod([...hrpExpand(hrp), ...values, 0, 0, 0, 0, 0, 0]) ^ 1;
  for (let i = 0; i < 6; i++) values.push((chk >>> (5 * (5 - i))) & 31);
  return `${hrp}1${values.map((v) => BECH32[v]).join("")}`;
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
  if (polymod([...hrpExpand(hrp), ...values]) !== 1) throw new Error("invalid checksum");
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
 * The X25519 secret of the first `AGE-SECRET-KEY-1…` line of an age identity file's text (what
 * `securechat keygen` writes; `#` lines are comments). Text that is itself an age file is refused.
 */
export function parseIdentityFile(text) {
  if (looksLikeAge(utf8(text.slice(0, 2048)))) throw new Error("this identity file is protected by a passphrase");
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

/** The largest identity file read (the CLI reads up to 1 MiB; a real one is under 300 bytes). */
export const MAX_IDENTITY_FILE = 64 * 1024;

/**
 * The X25519 secret in an identity file's bytes: plain, or passphrase-protected (an age file
 * with one scrypt stanza, as `securechat keygen --passphrase` writes), opened with
 * `passphrase` (a string, sent to scrypt as UTF-8 as the CLI does). Throws an Error (an
 * `AgeError` for the age layer) whose message says what is wrong.
 */
export async function readIdentityFile(bytes, passphrase = "") {
  if (bytes.length > MAX_IDENTITY_FILE) throw new Error(`the file is larger than ${MAX_IDENTITY_FILE / 1024} KiB, so it is no identity file`);
  let plain = bytes;
  if (looksLikeAge(bytes)) {
    if (!passphrase) throw new Error("this identity file is protected by a passphrase: type it in the passphrase field");
    plain = await decryptWithPassphrase(bytes, utf8(passphrase));
  }
  const text = fromUtf8Strict(plain);
  if (text === null) throw new Error("the file is not UTF-8 text");
  return parseIdentityFile(text);
}

/** `age1…`, the age recipient of an X25519 public key. */
export const recipientText = (publicKey) => bech32Encode("age", publicKey);

/** The text `securechat keygen` writes for the identity of `secret`; `created` is RFC 3339. */
export async function identityFileText(secret, created) {
  const id = await identityFromSecret(secret);
  const fp = await fingerprint(id.agreement.publicKey, id.signing.publicKey);
  return `# created: ${created}\n# public key: ${recipientText(id.agreement.publicKey)}\n# fingerprint: ${fp}\n`
    + `${bech32Encode("age-secret-key-", secret).toUpperCase()}\n`;
}

/**
 * This browser's identity as a passphrase-protected identity file, the bytes
 * `securechat keygen --passphrase` would write for it (a binary age file, scrypt work factor
 * 18 unless given). `agreementPrivate` must be extractable (`identityFromSecret`'s `exportable`).
 */
export async function writeIdentityFile(agreementPrivate, passphrase, { now = Date.now(), workFactor } = {}) {
  if (!passphrase) throw new Error("choose a passphrase");
  const secret = await x25519PrivateBytes(agreementPrivate);
  const created = new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");
  const text = await identityFileText(secret, created);
  secret.fill(0);
  return encryptWithPassphrase(utf8(text), utf8(passphrase), workFactor);
}
