// Passphrase-protected age v1 files (age-encryption.org/v1), as `securechat keygen --passphrase`
// and `age -p` write them: the binary form with one scrypt stanza. The page reads and writes
// identity files only, so this is the part of age it needs; the Swift side (SecureChatCore/Age)
// is the whole format, and the two agree byte for byte on what is here.
//
// A file is hostile input until its MAC checks out: its size is bounded by the caller, the
// header by `MAX_HEADER`, and the header grammar follows the specification exactly (LF only,
// canonical unpadded base64, body lines of 64 columns until a shorter final one). The scrypt
// work factor is checked before the passphrase is used, and capped as the CLI caps it.
//
// Layout:
//   age-encryption.org/v1
//   -> scrypt <base64 16-byte salt> <log2 N>
//   <base64 of ChaCha20-Poly1305(key = scrypt(passphrase, "age-encryption.org/v1/scrypt" ‖ salt,
//                                    N, r = 8, p = 1, 32), nonce = 0, the 16-byte file key)>
//   --- <base64 HMAC-SHA256(HKDF(file key, "", "header"), header through "---")>
//   16-byte nonce, then 64 KiB chunks sealed with ChaCha20-Poly1305 under
//   HKDF(file key, nonce, "payload"), nonce = 11-byte big-endian counter ‖ last-chunk flag.

import { concat, equal, fromB64url, b64url, randomBytes, utf8 } from "./bytes.js";
import { hkdf, hmac } from "./primitives.js";
import { scrypt } from "./scrypt.js";
import * as aead from "./chacha20poly1305.js";

const VERSION_LINE = "age-encryption.org/v1";
const MAGIC = "age-encryption.org/";
const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
/** Far above any real header, as the CLI's cap (an scrypt stanza header is about 130 bytes). */
export const MAX_HEADER = 1 << 20;
const COLUMNS = 64;
const FILE_KEY_SIZE = 16;
const CHUNK = 64 * 1024;
const TAG = 16;
const SCRYPT_SALT_LABEL = "age-encryption.org/v1/scrypt";
/** age's own default, about a second on a laptop; what `securechat keygen -p` uses. */
export const DEFAULT_WORK_FACTOR = 18;
/** The highest work factor read, as the CLI's `Age.defaultMaxWorkFactor`. */
export const MAX_WORK_FACTOR = 22;

/** A failure reading or writing an age file. `kind` names the Swift `AgeError` case it matches. */
export class AgeError extends Error {
  constructor(kind, message) { super(message); this.kind = kind; }
}

const header = (reason) => new AgeError("malformedHeader", `malformed age header: ${reason}`);
const payload = (reason) => new AgeError("malformedPayload", `malformed age payload: ${reason}`);

/**
 * Whether `bytes` looks like an armored age file, as the Swift `AgeInput` tells: not the binary
 * magic, and a PEM-like dash line first (after whitespace) or the BEGIN line within the first
 * kilobyte or so.
 */
export function looksArmored(bytes) {
  const start = ascii(bytes.subarray(0, 1024 + ARMOR_BEGIN.length + 2));
  if (start.startsWith(MAGIC)) return false;
  return start.replace(/^[ \t\r\n]+/, "").startsWith("-----") || start.includes(ARMOR_BEGIN);
}

/** Whether `bytes` starts like an age file, binary or armored (as the Swift `looksLikeAge`). */
export function looksLikeAge(bytes) {
  const start = ascii(bytes.subarray(0, 1024 + ARMOR_BEGIN.length + 2));
  return start.startsWith(MAGIC) || start.replace(/^[ \t\r\n]+/, "").startsWith(ARMOR_BEGIN);
}

/** Bytes as a string of the same code units (any byte past 0x7e then fails the ASCII checks). */
function ascii(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

// ---- base64 as age writes it: standard alphabet, no padding, canonical ----

function b64Decode(text) {
  if (/[-_=]/.test(text)) return null;
  return fromB64url(text.replace(/\+/g, "-").replace(/\//g, "_"), "forbidden");
}

const b64Encode = (bytes) => b64url(bytes).replace(/-/g, "+").replace(/_/g, "/");

// ---- header ----

/**
 * The header of the binary age file `bytes`: `{ stanzas: [{ type, args, body }], mac,
 * macInput, size }` (`size`: bytes through the MAC line's LF). Throws `malformedHeader` with the
 * Swift reader's reason for anything the grammar does not allow.
 */
export function parseHeader(bytes) {
  let pos = 0;
  const next = () => {
    if (pos >= bytes.length) throw header(pos === 0 ? "file is empty" : "unexpected end of header");
    const limit = Math.min(bytes.length, MAX_HEADER);
    let end = pos;
    while (end < limit && bytes[end] !== 0x0a) end++;
    if (end >= MAX_HEADER) throw header(`header is larger than ${MAX_HEADER} bytes`);
    if (end >= bytes.length) throw header("unexpected end of header");
    const line = ascii(bytes.subarray(pos, end));
    pos = end + 1;
    return line;
  };
  const version = next();
  if (version !== VERSION_LINE) {
    if (version === `${VERSION_LINE}\r`) throw header("header lines end with CRLF, not LF");
    if (version.startsWith(MAGIC)) throw header("unsupported format version");
    throw header("not an age file");
  }
  const stanzas = [];
  for (;;) {
    const lineStart = pos;
    const first = next();
    if (first.startsWith("---")) {
      const parts = first.split(" ");
      const mac = parts.length === 2 && parts[0] === "---" ? b64Decode(parts[1]) : null;
      if (!mac || mac.length !== 32) throw header("malformed MAC line");
      if (stanzas.length === 0) throw header("no recipient stanzas");
      return { stanzas, mac, macInput: bytes.slice(0, lineStart + 3), size: pos };
    }
    stanzas.push(parseStanza(first, next));
  }
}

function parseStanza(argumentLine, next) {
  const parts = argumentLine.split(" ");
  if (parts.length < 2 || parts[0] !== "->") throw header('expected a stanza ("-> ") or the MAC line ("--- ")');
  const args = parts.slice(1);
  if (!args.every((a) => a.length > 0 && /^[\x21-\x7e]+$/.test(a))) throw header("malformed stanza arguments");
  const chunks = [];
  for (;;) {
    const line = next();
    if (line.length > COLUMNS) throw header("stanza body line longer than 64 columns");
    const decoded = b64Decode(line);
    if (!decoded) {
      if (line.startsWith("---") || line.startsWith("->")) throw header("stanza ended without a short final body line");
      throw header("stanza body is not canonical base64");
    }
    chunks.push(decoded);
    if (line.length < COLUMNS) return { type: args[0], args: args.slice(1), body: concat(...chunks) };
  }
}

function encodeHeaderText(stanzas) {
  let text = `${VERSION_LINE}\n`;
  for (const s of stanzas) {
    text += `-> ${[s.type, ...s.args].join(" ")}\n`;
    const body = b64Encode(s.body);
    // Full lines, then a final line shorter than 64 columns, possibly empty.
    for (let i = 0; ; i += COLUMNS) {
      const line = body.slice(i, i + COLUMNS);
      text += `${line}\n`;
      if (line.length < COLUMNS) break;
    }
  }
  return `${text}---`;
}

async function headerMAC(fileKey, macInput) {
  return hmac(await hkdf(fileKey, utf8("header"), 32), macInput);
}

/** Throws `headerMACMismatch` unless the header's MAC is the file key's. */
export async function verifyHeaderMAC(parsed, fileKey) {
  if (!equal(await headerMAC(fileKey, parsed.macInput), parsed.mac)) {
    throw new AgeError("headerMACMismatch", "header authentication failed: the file was modified or corrupted");
  }
}

// ---- the scrypt stanza ----

/**
 * The scrypt stanza's `{ salt, workFactor, body }` after the Swift reader's checks, in its
 * order: two arguments, a canonical 16-byte salt, a decimal work factor without leading zeros
 * at most `maxWorkFactor`, a 32-byte body. Nothing here runs scrypt.
 */
export function parseScryptStanza(stanza, maxWorkFactor = MAX_WORK_FACTOR) {
  if (stanza.args.length !== 2) throw header("scrypt stanza must have exactly two arguments");
  const salt = b64Decode(stanza.args[0]);
  if (!salt || salt.length !== 16) throw header("scrypt stanza salt is not a canonical 16-byte value");
  const digits = stanza.args[1];
  if (!/^[1-9][0-9]*$/.test(digits)) throw header("scrypt work factor is not a decimal number");
  if (digits.length > 9) throw header("scrypt work factor is out of range");
  const workFactor = Number(digits);
  const limit = Math.min(maxWorkFactor, 30);
  if (workFactor > limit) {
    throw new AgeError("workFactorTooHigh", `scrypt work factor ${workFactor} is above the limit of ${limit} (decrypting would take too long)`);
  }
  if (stanza.body.length !== 32) throw header("scrypt stanza body must be 32 bytes");
  return { salt, workFactor, body: stanza.body };
}

async function scryptKey(passphrase, salt, workFactor) {
  return scrypt(passphrase, concat(utf8(SCRYPT_SALT_LABEL), salt), workFactor, 8, 1, 32);
}

/**
 * The file key of a header's stanzas, by the passphrase (UTF-8 bytes). An scrypt stanza must be
 * the only one; a header without one is a file encrypted to a key, which the page cannot open.
 */
async function unwrapFileKey(stanzas, passphrase, maxWorkFactor) {
  if (!stanzas.some((s) => s.type === "scrypt")) {
    throw new AgeError("noIdentityMatched", "this file is encrypted to a key, not protected by a passphrase");
  }
  if (stanzas.length !== 1) throw new AgeError("scryptMustBeAlone", "an scrypt (passphrase) stanza must be the only stanza in the header");
  const stanza = parseScryptStanza(stanzas[0], maxWorkFactor);
  let key;
  try {
    key = await scryptKey(passphrase, stanza.salt, stanza.workFactor);
  } catch (e) {
    if (e instanceof RangeError) throw new AgeError("outOfMemory", `this browser cannot hold the ${2 ** (stanza.workFactor - 10)} MiB that scrypt work factor ${stanza.workFactor} needs`);
    throw e;
  }
  const fileKey = aead.open(key, new Uint8Array(12), stanza.body);
  key.fill(0);
  if (!fileKey) throw new AgeError("wrongPassphrase", "incorrect passphrase");
  return fileKey;
}

// ---- the payload (STREAM) ----

async function payloadKey(fileKey, nonce) {
  return hkdf(fileKey, utf8("payload"), 32, nonce);
}

function chunkNonce(counter, last) {
  const n = new Uint8Array(12);
  let c = counter;
  for (let i = 10; i >= 0 && c > 0; i--) { n[i] = c % 256; c = Math.floor(c / 256); }
  n[11] = last ? 1 : 0;
  return n;
}

/** The plaintext of the payload `rest` (16-byte nonce, then sealed chunks), as the Swift reader judges it. */
export async function decryptPayload(fileKey, rest) {
  if (rest.length < 16) throw header("the payload nonce is missing");
  const key = await payloadKey(fileKey, rest.subarray(0, 16));
  const sealed = CHUNK + TAG;
  const parts = [];
  for (let pos = 16, counter = 0; ; counter++) {
    const n = Math.min(sealed, rest.length - pos);
    // A payload must end with a chunk marked last; running out before one is a cut.
    if (n < TAG) throw new AgeError("truncated", "file is truncated");
    let last = n < sealed;
    if (last && counter > 0 && n === TAG) throw payload("final chunk is empty");
    const chunk = rest.subarray(pos, pos + n);
    let plain = aead.open(key, chunkNonce(counter, last), chunk);
    // A full-size chunk may be the last one; only the flag tells.
    if (!plain && !last) { last = true; plain = aead.open(key, chunkNonce(counter, true), chunk); }
    if (!plain) throw payload(`chunk ${counter} failed to authenticate`);
    pos += n;
    if (last && pos < rest.length) throw payload("trailing data after the final chunk");
    parts.push(plain);
    if (last) return concat(...parts);
  }
}

// ---- whole files ----

/**
 * The plaintext of the passphrase-protected binary age file `bytes`, with `passphrase` (UTF-8
 * bytes). Checks in the Swift reader's order: header grammar, the scrypt stanza and its work
 * factor (before scrypt runs), the passphrase, the header MAC, the payload. Throws `AgeError`.
 */
export async function decryptWithPassphrase(bytes, passphrase, { maxWorkFactor = MAX_WORK_FACTOR } = {}) {
  if (looksArmored(bytes)) {
    throw new AgeError("armored", "this is an armored (ASCII) age file; this page reads binary ones, as 'securechat keygen --passphrase' writes them");
  }
  const parsed = parseHeader(bytes);
  const fileKey = await unwrapFileKey(parsed.stanzas, passphrase, maxWorkFactor);
  await verifyHeaderMAC(parsed, fileKey);
  return decryptPayload(fileKey, bytes.subarray(parsed.size));
}

/** A binary age file of `plaintext` protected by `passphrase` (UTF-8 bytes, not empty). */
export async function encryptWithPassphrase(plaintext, passphrase, workFactor = DEFAULT_WORK_FACTOR) {
  if (!Number.isInteger(workFactor) || workFactor < 1 || workFactor > 30) throw new AgeError("invalidWorkFactor", `scrypt work factor must be between 1 and 30, not ${workFactor}`);
  if (passphrase.length === 0) throw new AgeError("emptyPassphrase", "the passphrase is empty");
  const fileKey = randomBytes(FILE_KEY_SIZE), salt = randomBytes(16);
  const key = await scryptKey(passphrase, salt, workFactor);
  const body = aead.seal(key, new Uint8Array(12), fileKey);
  key.fill(0);
  const text = encodeHeaderText([{ type: "scrypt", args: [b64Encode(salt), String(workFactor)], body }]);
  const mac = await headerMAC(fileKey, utf8(text));
  const nonce = randomBytes(16);
  const pk = await payloadKey(fileKey, nonce);
  const chunks = [];
  for (let i = 0, counter = 0; ; i += CHUNK, counter++) {
    const last = plaintext.length - i <= CHUNK;
    chunks.push(aead.seal(pk, chunkNonce(counter, last), plaintext.subarray(i, i + CHUNK)));
    if (last) break;
  }
  fileKey.fill(0);
  return concat(utf8(`${text} ${b64Encode(mac)}\n`), nonce, ...chunks);
}
