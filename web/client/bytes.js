// Byte helpers shared by every module: hex, base64url (strict), UTF-8, big-endian integers.
// Every decoder refuses what the Swift side refuses: wrong alphabet, wrong padding, bits that
// a canonical encoder would have left zero.

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: false });
const strictDec = new TextDecoder("utf-8", { fatal: true });

export const utf8 = (s) => enc.encode(s);
export const fromUtf8 = (b) => dec.decode(b);
/** UTF-8 text, or null for bytes that are not valid UTF-8. */
export function fromUtf8Strict(b) {
  try { return strictDec.decode(b); } catch { return null; }
}

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function equal(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export const zeros = (n) => new Uint8Array(n);
export const isZero = (b) => b.every((x) => x === 0);

export function hex(b) {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export function fromHex(s) {
  if (typeof s !== "string" || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new Error("not hex");
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** `value` (a BigInt or a safe integer, at least 0) as `n` big-endian bytes. */
export function bigEndian(value, n) {
  let v = BigInt(value);
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

export function readBigEndian(b) {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const URL_INDEX = new Map(Array.from(URL_ALPHABET, (c, i) => [c, i]));

/** base64url (RFC 4648 section 5), with or without `=` padding. */
export function b64url(bytes, padded = false) {
  let out = "";
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += URL_ALPHABET[n >> 18] + URL_ALPHABET[(n >> 12) & 63] + URL_ALPHABET[(n >> 6) & 63] + URL_ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += URL_ALPHABET[n >> 18] + URL_ALPHABET[(n >> 12) & 63] + (padded ? "==" : "");
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += URL_ALPHABET[n >> 18] + URL_ALPHABET[(n >> 12) & 63] + URL_ALPHABET[(n >> 6) & 63] + (padded ? "=" : "");
  }
  return out;
}

/**
 * Strict base64url decoding: the URL alphabet only, padding either absent or complete
 * (`padding`: "optional", "required" or "forbidden"), and the unused low bits of the last
 * character zero (the canonical spelling). Returns null on any violation.
 */
export function fromB64url(text, padding = "optional") {
  if (typeof text !== "string") return null;
  let body = text;
  const pad = text.length - text.replace(/=+$/, "").length;
  if (pad > 0) {
    if (padding === "forbidden" || pad > 2 || text.length % 4 !== 0) return null;
    body = text.slice(0, text.length - pad);
  } else if (padding === "required" && text.length % 4 !== 0) {
    return null;
  }
  if (body.length % 4 === 1) return null;
  if (pad > 0 && (body.length + pad) % 4 !== 0) return null;
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0, bits = 0, o = 0;
  for (const c of body) {
    const v = URL_INDEX.get(c);
    if (v === undefined) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) { bits -= 8; out[o++] = (acc >> bits) & 0xff; }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

export function randomBytes(n) {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return b;
}
