// ChaCha20-Poly1305 (RFC 8439), the AEAD of the age file format (docs/formats.md, "Identity").
// WebCrypto has no ChaCha20 and no Poly1305, so both are here, written for clarity over speed:
// the page seals and opens a few hundred bytes (an identity file), never a stream.
//
// seal(key, nonce, plaintext, aad) -> ciphertext ‖ 16-byte tag
// open(key, nonce, sealed, aad)    -> plaintext, or null when the tag does not verify
// Keys are 32 bytes, nonces 12 (RFC 8439's IETF variant, 32-bit block counter).

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

const rotl = (v, n) => ((v << n) | (v >>> (32 - n))) >>> 0;

function quarterRound(s, a, b, c, d) {
  s[a] = (s[a] + s[b]) >>> 0; s[d] = rotl(s[d] ^ s[a], 16);
  s[c] = (s[c] + s[d]) >>> 0; s[b] = rotl(s[b] ^ s[c], 12);
  s[a] = (s[a] + s[b]) >>> 0; s[d] = rotl(s[d] ^ s[a], 8);
  s[c] = (s[c] + s[d]) >>> 0; s[b] = rotl(s[b] ^ s[c], 7);
}

const word = (b, i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

/** RFC 8439 2.3: one 64-byte keystream block for `key` (32), `counter` (u32), `nonce` (12). */
export function chacha20Block(key, counter, nonce) {
  const init = new Uint32Array(16);
  init.set(SIGMA);
  for (let i = 0; i < 8; i++) init[4 + i] = word(key, 4 * i);
  init[12] = counter >>> 0;
  for (let i = 0; i < 3; i++) init[13 + i] = word(nonce, 4 * i);
  const s = Uint32Array.from(init);
  for (let i = 0; i < 10; i++) {
    // A column round, then a diagonal round.
    quarterRound(s, 0, 4, 8, 12); quarterRound(s, 1, 5, 9, 13); quarterRound(s, 2, 6, 10, 14); quarterRound(s, 3, 7, 11, 15);
    quarterRound(s, 0, 5, 10, 15); quarterRound(s, 1, 6, 11, 12); quarterRound(s, 2, 7, 8, 13); quarterRound(s, 3, 4, 9, 14);
  }
  const out = new Uint8Array(64);
  for (let i = 0; i < 16; i++) {
    const v = (s[i] + init[i]) >>> 0;
    out[4 * i] = v & 0xff; out[4 * i + 1] = (v >>> 8) & 0xff; out[4 * i + 2] = (v >>> 16) & 0xff; out[4 * i + 3] = v >>> 24;
  }
  return out;
}

/** RFC 8439 2.4: `data` XORed with the keystream that starts at block `counter`. */
export function chacha20(key, counter, nonce, data) {
  checkSizes(key, nonce);
  // The 32-bit counter must not wrap: 256 GiB from one nonce, far beyond anything the page does.
  if (counter + Math.ceil(data.length / 64) > 2 ** 32) throw new Error("ChaCha20 counter overflow");
  const out = new Uint8Array(data.length);
  for (let off = 0, block = counter; off < data.length; off += 64, block++) {
    const ks = chacha20Block(key, block, nonce);
    const n = Math.min(64, data.length - off);
    for (let i = 0; i < n; i++) out[off + i] = data[off + i] ^ ks[i];
  }
  return out;
}

const P1305 = (1n << 130n) - 5n;

function littleEndian(b) {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/**
 * RFC 8439 2.5: the 16-byte Poly1305 tag of `msg` under the one-time `key` (32 bytes: r ‖ s).
 * BigInt arithmetic modulo 2^130 - 5: plain to check against the RFC, and fast enough for the
 * small inputs it gets here. (Not constant-time; it only ever authenticates data the page holds
 * or is about to refuse, under a key used once.)
 */
export function poly1305(key, msg) {
  if (key.length !== 32) throw new Error("a Poly1305 key is 32 bytes");
  const r = littleEndian(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn; // clamp
  const s = littleEndian(key.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const chunk = msg.subarray(i, Math.min(i + 16, msg.length));
    // Each block is read as a little-endian number with a 1 byte appended after its last byte.
    acc = ((acc + littleEndian(chunk) + (1n << BigInt(8 * chunk.length))) * r) % P1305;
  }
  acc = (acc + s) & ((1n << 128n) - 1n);
  const tag = new Uint8Array(16);
  for (let i = 0; i < 16; i++) { tag[i] = Number(acc & 0xffn); acc >>= 8n; }
  return tag;
}

function checkSizes(key, nonce) {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new Error("a ChaCha20 key is 32 bytes");
  if (!(nonce instanceof Uint8Array) || nonce.length !== 12) throw new Error("a ChaCha20-Poly1305 nonce is 12 bytes");
}

const pad16 = (n) => new Uint8Array((16 - (n % 16)) % 16);

function le64(n) {
  const out = new Uint8Array(8);
  let v = BigInt(n);
  for (let i = 0; i < 8; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

/** RFC 8439 2.8: the tag over aad ‖ pad ‖ ciphertext ‖ pad ‖ len(aad) ‖ len(ciphertext). */
function tagOf(key, nonce, ciphertext, aad) {
  const otk = chacha20Block(key, 0, nonce).subarray(0, 32);
  const macData = new Uint8Array(aad.length + pad16(aad.length).length + ciphertext.length + pad16(ciphertext.length).length + 16);
  let o = 0;
  macData.set(aad, o); o += aad.length + pad16(aad.length).length;
  macData.set(ciphertext, o); o += ciphertext.length + pad16(ciphertext.length).length;
  macData.set(le64(aad.length), o); macData.set(le64(ciphertext.length), o + 8);
  return poly1305(otk, macData);
}

/** Seals `plaintext`: ciphertext ‖ tag (16 bytes longer). */
export function seal(key, nonce, plaintext, aad = new Uint8Array(0)) {
  checkSizes(key, nonce);
  const ciphertext = chacha20(key, 1, nonce, plaintext);
  const out = new Uint8Array(ciphertext.length + 16);
  out.set(ciphertext);
  out.set(tagOf(key, nonce, ciphertext, aad), ciphertext.length);
  return out;
}

/** Opens `sealed` (ciphertext ‖ tag): the plaintext, or null when it is not authentic. */
export function open(key, nonce, sealed, aad = new Uint8Array(0)) {
  checkSizes(key, nonce);
  if (sealed.length < 16) return null;
  const ciphertext = sealed.subarray(0, sealed.length - 16);
  const expected = tagOf(key, nonce, ciphertext, aad);
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= expected[i] ^ sealed[sealed.length - 16 + i];
  if (diff !== 0) return null;
  return chacha20(key, 1, nonce, ciphertext);
}
