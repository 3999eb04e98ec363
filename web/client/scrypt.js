// scrypt (RFC 7914), the passphrase KDF of the age file format (docs/formats.md, "Identity").
// WebCrypto has PBKDF2-HMAC-SHA256, which gives scrypt's first and last steps; the memory-hard
// middle (Salsa20/8, BlockMix, ROMix) is here.
//
//   B  = PBKDF2-HMAC-SHA256(P, S, 1, p · 128 · r)
//   Bi = ROMix(Bi, N) for each of the p blocks of 128 · r bytes
//   DK = PBKDF2-HMAC-SHA256(P, B, 1, dkLen)
//
// ROMix holds N blocks of 128 · r bytes: 2^18 · 1 KiB = 256 MiB at age's default work factor.
// Callers bound the work factor before calling (an age file's is capped, as the CLI caps it).

const subtle = globalThis.crypto.subtle;

async function pbkdf2(password, salt, length) {
  const key = await subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 1 }, key, 8 * length));
}

/**
 * RFC 7914 3: Salsa20/8 core over the 16 words of `b`, in place. The eight rounds are four
 * column/row double rounds, on local variables (the page runs this 2·N·2r times).
 */
function salsa20_8(b) {
  let x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7];
  let x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15];
  let t;
  for (let i = 0; i < 8; i += 2) {
    // Columns.
    t = x0 + x12; x4 ^= (t << 7) | (t >>> 25); t = x4 + x0; x8 ^= (t << 9) | (t >>> 23);
    t = x8 + x4; x12 ^= (t << 13) | (t >>> 19); t = x12 + x8; x0 ^= (t << 18) | (t >>> 14);
    t = x5 + x1; x9 ^= (t << 7) | (t >>> 25); t = x9 + x5; x13 ^= (t << 9) | (t >>> 23);
    t = x13 + x9; x1 ^= (t << 13) | (t >>> 19); t = x1 + x13; x5 ^= (t << 18) | (t >>> 14);
    t = x10 + x6; x14 ^= (t << 7) | (t >>> 25); t = x14 + x10; x2 ^= (t << 9) | (t >>> 23);
    t = x2 + x14; x6 ^= (t << 13) | (t >>> 19); t = x6 + x2; x10 ^= (t << 18) | (t >>> 14);
    t = x15 + x11; x3 ^= (t << 7) | (t >>> 25); t = x3 + x15; x7 ^= (t << 9) | (t >>> 23);
    t = x7 + x3; x11 ^= (t << 13) | (t >>> 19); t = x11 + x7; x15 ^= (t << 18) | (t >>> 14);
    // Rows.
    t = x0 + x3; x1 ^= (t << 7) | (t >>> 25); t = x1 + x0; x2 ^= (t << 9) | (t >>> 23);
    t = x2 + x1; x3 ^= (t << 13) | (t >>> 19); t = x3 + x2; x0 ^= (t << 18) | (t >>> 14);
    t = x5 + x4; x6 ^= (t << 7) | (t >>> 25); t = x6 + x5; x7 ^= (t << 9) | (t >>> 23);
    t = x7 + x6; x4 ^= (t << 13) | (t >>> 19); t = x4 + x7; x5 ^= (t << 18) | (t >>> 14);
    t = x10 + x9; x11 ^= (t << 7) | (t >>> 25); t = x11 + x10; x8 ^= (t << 9) | (t >>> 23);
    t = x8 + x11; x9 ^= (t << 13) | (t >>> 19); t = x9 + x8; x10 ^= (t << 18) | (t >>> 14);
    t = x15 + x14; x12 ^= (t << 7) | (t >>> 25); t = x12 + x15; x13 ^= (t << 9) | (t >>> 23);
    t = x13 + x12; x14 ^= (t << 13) | (t >>> 19); t = x14 + x13; x15 ^= (t << 18) | (t >>> 14);
  }
  b[0] += x0; b[1] += x1; b[2] += x2; b[3] += x3; b[4] += x4; b[5] += x5; b[6] += x6; b[7] += x7;
  b[8] += x8; b[9] += x9; b[10] += x10; b[11] += x11; b[12] += x12; b[13] += x13; b[14] += x14; b[15] += x15;
}

/**
 * RFC 7914 4: BlockMix of the 2r 64-byte blocks (32r words) of `b`, written to `y`:
 * even-numbered outputs first, then odd-numbered ones. `t` is scratch (16 words).
 */
function blockMix(b, y, r, t) {
  for (let k = 0; k < 16; k++) t[k] = b[(2 * r - 1) * 16 + k];
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) t[k] ^= b[i * 16 + k];
    salsa20_8(t);
    y.set(t, ((i & 1) ? r + (i >> 1) : i >> 1) * 16);
  }
}

/** RFC 7914 5: ROMix of one 128·r-byte block `block` (as 32r little-endian words), in place. */
function roMix(block, r, n) {
  const words = 32 * r;
  const v = new Uint32Array(words * n); // the memory-hard table (may throw RangeError)
  const x = new Uint32Array(words), y = new Uint32Array(words), t = new Uint32Array(16);
  x.set(block);
  for (let i = 0; i < n; i++) {
    v.set(x, i * words);
    blockMix(x, y, r, t);
    x.set(y);
  }
  for (let i = 0; i < n; i++) {
    // Integerify: the first word of the last 64-byte block, modulo N (N ≤ 2^30, a power of 2).
    const j = x[(2 * r - 1) * 16] & (n - 1);
    for (let k = 0; k < words; k++) x[k] ^= v[j * words + k];
    blockMix(x, y, r, t);
    x.set(y);
  }
  block.set(x);
}

/**
 * scrypt(password, salt, N = 2^logN, r, p) → `length` bytes. `password` and `salt` are
 * Uint8Arrays; `logN` 1…30, `r` and `p` at least 1 with r·p < 2^30 (RFC 7914 2). Throws a
 * RangeError when the browser cannot allocate the 128·r·N-byte table.
 */
export async function scrypt(password, salt, logN, r, p, length) {
  if (!Number.isInteger(logN) || logN < 1 || logN > 30) throw new Error("scrypt log2(N) must be 1 to 30");
  if (!Number.isInteger(r) || !Number.isInteger(p) || r < 1 || p < 1 || r * p >= 2 ** 30) throw new Error("scrypt r and p out of range");
  if (!Number.isInteger(length) || length < 1 || length > 1 << 20) throw new Error("scrypt output length out of range");
  const n = 2 ** logN;
  const b = await pbkdf2(password, salt, p * 128 * r);
  const words = 32 * r;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const block = new Uint32Array(words);
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < words; k++) block[k] = view.getUint32((i * words + k) * 4, true);
    roMix(block, r, n);
    for (let k = 0; k < words; k++) view.setUint32((i * words + k) * 4, block[k], true);
  }
  const out = await pbkdf2(password, b, length);
  b.fill(0);
  return out;
}
