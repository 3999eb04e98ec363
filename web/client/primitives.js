// The primitives securechat needs, on WebCrypto only: SHA-256, HMAC-SHA256, HKDF-SHA256
// (RFC 5869, extract and expand apart, as HPKE needs them), Ed25519 and X25519 (RFC 8032,
// RFC 7748) from raw 32-byte private keys, and the public-key checks of docs/formats.md
// ("Public keys accepted from others") that WebCrypto does not make.

import { concat, equal, zeros } from "./bytes.js";

const subtle = globalThis.crypto.subtle;

export async function sha256(data) {
  return new Uint8Array(await subtle.digest("SHA-256", data));
}

async function hmacKey(key) {
  // An HMAC key of length 0 is refused by WebCrypto; HMAC pads keys with zeros, so 32 zero
  // bytes give the same MAC (this is also RFC 5869's "empty salt").
  return subtle.importKey("raw", key.length ? key : zeros(32), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

export async function hmac(key, data) {
  return new Uint8Array(await subtle.sign("HMAC", await hmacKey(key), data));
}

export async function hkdfExtract(salt, ikm) {
  return hmac(salt, ikm);
}

export async function hkdfExpand(prk, info, length) {
  if (length > 255 * 32) throw new Error("HKDF output too long");
  const key = await hmacKey(prk);
  let t = new Uint8Array(0);
  const out = new Uint8Array(length);
  for (let i = 1, o = 0; o < length; i++) {
    t = new Uint8Array(await subtle.sign("HMAC", key, concat(t, info, Uint8Array.of(i))));
    out.set(t.subarray(0, Math.min(32, length - o)), o);
    o += 32;
  }
  return out;
}

export async function hkdf(ikm, info, length, salt = new Uint8Array(0)) {
  return hkdfExpand(await hkdfExtract(salt, ikm), info, length);
}

// PKCS #8 wrappers of a raw 32-byte private key (RFC 8410): the only form in which WebCrypto
// imports an Ed25519 seed or an X25519 scalar.
const ED25519_PKCS8 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const X25519_PKCS8 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);

function fromB64urlJwk(s) {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

/**
 * An Ed25519 key pair from its 32-byte seed: `{ privateKey: CryptoKey, publicKey: Uint8Array(32) }`.
 * The private key is not extractable unless `extractable` is set.
 */
export async function ed25519FromSeed(seed, extractable = false) {
  if (seed.length !== 32) throw new Error("an Ed25519 seed is 32 bytes");
  const pkcs8 = concat(ED25519_PKCS8, seed);
  const tmp = await subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const jwk = await subtle.exportKey("jwk", tmp);
  const privateKey = extractable ? tmp : await subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  return { privateKey, publicKey: fromB64urlJwk(jwk.x) };
}

/** An X25519 key pair from its 32-byte private scalar, as `ed25519FromSeed`. */
export async function x25519FromPrivate(raw, extractable = false) {
  if (raw.length !== 32) throw new Error("an X25519 private key is 32 bytes");
  const pkcs8 = concat(X25519_PKCS8, raw);
  const tmp = await subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, true, ["deriveBits"]);
  const jwk = await subtle.exportKey("jwk", tmp);
  const privateKey = extractable ? tmp : await subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, false, ["deriveBits"]);
  return { privateKey, publicKey: fromB64urlJwk(jwk.x) };
}

/**
 * The 32-byte private scalar of an X25519 CryptoKey made with `extractable` set (for writing an
 * identity file); throws for a non-extractable key, whose scalar nothing can read.
 */
export async function x25519PrivateBytes(privateKey) {
  if (!privateKey.extractable) throw new Error("the key is not extractable");
  const d = fromB64urlJwk((await subtle.exportKey("jwk", privateKey)).d);
  if (d.length !== 32) throw new Error("an X25519 private key is 32 bytes");
  return d;
}

/** A fresh X25519 key pair (for HPKE's ephemeral key). */
export async function x25519Generate() {
  const pair = await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await subtle.exportKey("raw", pair.publicKey)) };
}

export async function ed25519Sign(privateKey, message) {
  return new Uint8Array(await subtle.sign("Ed25519", privateKey, message));
}

/**
 * Whether `signature` is `publicKey`'s over `message`. A key refused by `ed25519KeyProblem`
 * (non-canonical, small order) never verifies, nor does anything of the wrong length.
 */
export async function ed25519Verify(publicKey, signature, message) {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32 || signature.length !== 64) return false;
  if (ed25519KeyProblem(publicKey)) return false;
  try {
    const key = await subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    return await subtle.verify("Ed25519", key, signature, message);
  } catch {
    return false;
  }
}

/** The X25519 shared secret of a private CryptoKey and a raw public key (refused: small order). */
export async function x25519(privateKey, publicKey) {
  if (!isValidX25519(publicKey)) throw new Error("small-order X25519 public key");
  const pub = await subtle.importKey("raw", publicKey, { name: "X25519" }, false, []);
  const shared = new Uint8Array(await subtle.deriveBits({ name: "X25519", public: pub }, privateKey, 256));
  if (shared.every((x) => x === 0)) throw new Error("all-zero X25519 shared secret");
  return shared;
}

// p = 2^255 - 19, little-endian; the y values of the Ed25519 torsion points; the small-order
// X25519 u values (docs/formats.md).
const P = Uint8Array.from([0xed, ...new Array(30).fill(0xff), 0x7f]);
const hexBytes = (s) => Uint8Array.from(s.match(/../g), (h) => parseInt(h, 16));
const ONE = Uint8Array.from([1, ...new Array(31).fill(0)]);
const P_MINUS_1 = Uint8Array.from([0xec, ...new Array(30).fill(0xff), 0x7f]);
const ED_TORSION_Y = [
  ONE, P_MINUS_1, zeros(32),
  hexBytes("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
  hexBytes("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
];
const X_SMALL_U = [
  zeros(32), ONE,
  hexBytes("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
  hexBytes("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
  P_MINUS_1, P, Uint8Array.from([0xee, ...new Array(30).fill(0xff), 0x7f]),
];

function lessThanP(y) {
  for (let i = 31; i >= 0; i--) if (y[i] !== P[i]) return y[i] < P[i];
  return false;
}

/** "non-canonical", "small order", or null for an Ed25519 public key that may be used. */
export function ed25519KeyProblem(key) {
  if (!(key instanceof Uint8Array) || key.length !== 32) return "length";
  const y = Uint8Array.from(key);
  const sign = y[31] >> 7;
  y[31] &= 0x7f;
  if (!lessThanP(y)) return "non-canonical";
  if (sign === 1 && (equal(y, ONE) || equal(y, P_MINUS_1))) return "non-canonical";
  if (ED_TORSION_Y.some((t) => equal(t, y))) return "small order";
  return null;
}

export function isValidEd25519(key) {
  return ed25519KeyProblem(key) === null;
}

export function isValidX25519(key) {
  if (!(key instanceof Uint8Array) || key.length !== 32) return false;
  const u = Uint8Array.from(key);
  u[31] &= 0x7f;
  return !X_SMALL_U.some((t) => equal(t, u));
}
