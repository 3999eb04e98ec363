// Fernet tokens (the Fernet specification; docs/formats.md, "Fernet"): 0x80 ‖ time (8, BE) ‖
// IV (16) ‖ AES-128-CBC (PKCS #7) ‖ HMAC-SHA256 (32), base64url with padding. Keys are 32 bytes:
// HMAC key, then AES key. The checks run in the order the Swift reader runs them, so the same
// token gets the same verdict in both.

import { b64url, bigEndian, concat, equal, fromB64url, randomBytes, readBigEndian } from "./bytes.js";
import { hmac } from "./primitives.js";

const subtle = globalThis.crypto.subtle;

export class FernetError extends Error {
  /** `kind`: "malformed" (bad base64, version, length) or "unauthentic" (no key's HMAC matches), "expired", "future". */
  constructor(kind, message) { super(message); this.kind = kind; }
}

/** A 44-character padded base64url key, or its 43-character unpadded form (an invite's `k`). */
export function parseKey(text) {
  const raw = fromB64url(text);
  if (!raw || raw.length !== 32) throw new FernetError("malformed", "a Fernet key is 32 bytes of base64url");
  return raw;
}

export const keyText = (raw) => b64url(raw, true);

async function aesKey(raw, usage) {
  return subtle.importKey("raw", raw.subarray(16, 32), { name: "AES-CBC" }, false, [usage]);
}

/** A token for `plaintext` under the 32-byte `key`, dated `now` (Unix seconds). */
export async function encrypt(key, plaintext, now = Math.floor(Date.now() / 1000), iv = randomBytes(16)) {
  const ct = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv }, await aesKey(key, "encrypt"), plaintext));
  const signed = concat(Uint8Array.of(0x80), bigEndian(now, 8), iv, ct);
  return b64url(concat(signed, await hmac(key.subarray(0, 16), signed)), true);
}

/**
 * The plaintext of `token` under the first of `keys` (newest first, as MultiFernet) whose HMAC
 * matches. With `ttl` (seconds), tokens older than it, or dated more than 60 s ahead, are refused.
 * Returns `{ plaintext, time, keyIndex }`.
 */
export async function decrypt(keys, token, { ttl = null, now = Math.floor(Date.now() / 1000) } = {}) {
  const data = fromB64url(typeof token === "string" ? token.trim() : "", "required");
  if (!data) throw new FernetError("malformed", "the token is not base64url");
  if (data.length < 1 || data[0] !== 0x80) throw new FernetError("malformed", "the token's version is not 0x80");
  if (data.length < 73 || (data.length - 57) % 16 !== 0) throw new FernetError("malformed", "the token's length is wrong");
  const signed = data.subarray(0, data.length - 32);
  const mac = data.subarray(data.length - 32);
  for (let i = 0; i < keys.length; i++) {
    if (!equal(await hmac(keys[i].subarray(0, 16), signed), mac)) continue;
    const time = readBigEndian(data.subarray(1, 9));
    if (ttl !== null) {
      if (time > BigInt(now) + 60n) throw new FernetError("future", "the token is dated in the future");
      if (time + BigInt(ttl) < BigInt(now)) throw new FernetError("expired", "the token has expired");
    }
    let plaintext;
    try {
      plaintext = new Uint8Array(await subtle.decrypt({ name: "AES-CBC", iv: data.subarray(9, 25) }, await aesKey(keys[i], "decrypt"), data.subarray(25, data.length - 32)));
    } catch {
      throw new FernetError("malformed", "the token's padding is wrong");
    }
    return { plaintext, time, keyIndex: i };
  }
  throw new FernetError("unauthentic", "wrong key, or the token was altered");
}
