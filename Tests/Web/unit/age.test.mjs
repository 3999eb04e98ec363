// The page's passphrase age files: ChaCha20-Poly1305 (RFC 8439 and Wycheproof), scrypt
// (RFC 7914), and the age reader against the C2SP CCTV vectors the Swift suite runs, plus a
// table of malformed files with the Swift reader's exact errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { inflateSync } from "node:zlib";
import path from "node:path";
import { readVector, vectorsDir } from "./vectors.mjs";
import * as aead from "../../../web/client/chacha20poly1305.js";
import { scrypt } from "../../../web/client/scrypt.js";
import * as age from "../../../web/client/age.js";
import { concat, fromHex, hex, utf8 } from "../../../web/client/bytes.js";
import { sha256 } from "../../../web/client/primitives.js";

test("ChaCha20 block and Poly1305: RFC 8439 2.3.2 and 2.5.2", () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  assert.equal(hex(aead.chacha20Block(key, 1, fromHex("000000090000004a00000000"))),
    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
  assert.equal(hex(aead.poly1305(fromHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"), utf8("Cryptographic Forum Research Group"))),
    "a8061dc1305136c6c22b8baf0c0127a9");
});

test("ChaCha20-Poly1305: every Wycheproof case with a 96-bit nonce (RFC 8439 2.8.2 is case 1)", () => {
  const suite = readVector("wycheproof/chacha20_poly1305_test.json");
  let valid = 0, invalid = 0;
  for (const group of suite.testGroups.filter((g) => g.ivSize === 96 && g.keySize === 256)) {
    for (const t of group.tests) {
      const [key, nonce, aad, msg, sealed] = [t.key, t.iv, t.aad, t.msg, t.ct + t.tag].map(fromHex);
      const opened = aead.open(key, nonce, sealed, aad);
      if (t.result === "valid") {
        assert.equal(hex(aead.seal(key, nonce, msg, aad)), hex(sealed), `tcId ${t.tcId}`);
        assert.equal(opened && hex(opened), t.msg, `tcId ${t.tcId}`);
        valid++;
      } else {
        assert.equal(opened, null, `tcId ${t.tcId} (${t.comment})`);
        invalid++;
      }
    }
  }
  assert.deepEqual([valid, invalid], [256, 60]);
  assert.throws(() => aead.seal(new Uint8Array(31), new Uint8Array(12), new Uint8Array(1)), /32 bytes/);
  assert.throws(() => aead.open(new Uint8Array(32), new Uint8Array(8), new Uint8Array(16)), /12 bytes/);
});

test("scrypt: RFC 7914 section 12 (the three vectors under 1 GiB)", async () => {
  const cases = [
    ["", "", 4, 1, 1, "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"],
    ["password", "NaCl", 10, 8, 16, "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"],
    ["pleaseletmein", "SodiumChloride", 14, 8, 1, "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"],
  ];
  for (const [password, salt, logN, r, p, expected] of cases) {
    assert.equal(hex(await scrypt(utf8(password), utf8(salt), logN, r, p, 64)), expected, `${password}/${salt}`);
  }
  await assert.rejects(scrypt(utf8("x"), utf8("y"), 0, 8, 1, 32), /1 to 30/);
  await assert.rejects(scrypt(utf8("x"), utf8("y"), 31, 8, 1, 32), /1 to 30/);
});

// ---- CCTV age vectors ----

/** A CCTV vector: its header lines, then the age file (inflated when `compressed: zlib`). */
function loadVector(name) {
  const data = readFileSync(path.join(vectorsDir, "age", name));
  const v = { name, armored: false, compressed: false };
  let i = 0;
  for (;;) {
    const end = data.indexOf(0x0a, i);
    const line = data.subarray(i, end).toString("utf8");
    i = end + 1;
    if (!line) break;
    const colon = line.indexOf(":");
    const [key, value] = [line.slice(0, colon), line.slice(colon + 1).trim()];
    if (key === "expect") v.expect = value;
    else if (key === "payload") v.payload = value;
    else if (key === "passphrase") v.passphrase = value;
    else if (key === "file key") v.fileKey = fromHex(value);
    else if (key === "armored") v.armored = value === "yes";
    else if (key === "compressed") v.compressed = value === "zlib";
  }
  v.body = new Uint8Array(v.compressed ? inflateSync(data.subarray(i)) : data.subarray(i));
  return v;
}

/** The CCTV class of each error kind, as the Swift AgeVectorTests map AgeError. */
const CLASS = {
  noIdentityMatched: "no match", wrongPassphrase: "no match", headerMACMismatch: "HMAC failure",
  malformedHeader: "header failure", scryptMustBeAlone: "header failure", workFactorTooHigh: "header failure",
  malformedPayload: "payload failure", truncated: "payload failure",
};

/**
 * The outcome the page's reader gives a vector. With a passphrase, the whole file is decrypted
 * as the import does; without one (a file for a key), the header grammar, the MAC under the
 * vector's file key and the payload are judged, the parts of age this module shares.
 */
async function outcome(v) {
  let plain;
  try {
    if (v.passphrase !== undefined) {
      plain = await age.decryptWithPassphrase(v.body, utf8(v.passphrase));
    } else {
      const h = age.parseHeader(v.body);
      await age.verifyHeaderMAC(h, v.fileKey);
      plain = await age.decryptPayload(v.fileKey, v.body.subarray(h.size));
    }
  } catch (e) {
    if (!(e instanceof age.AgeError)) throw e;
    return CLASS[e.kind] ?? `unexpected ${e.kind}: ${e.message}`;
  }
  const digest = hex(await sha256(plain));
  return digest === v.payload ? "success" : `success with the wrong payload ${digest}`;
}

test("CCTV age vectors: passphrase files end to end, the shared layers of the rest", async () => {
  const names = readdirSync(path.join(vectorsDir, "age")).sort();
  assert.equal(names.length, 143);
  const judged = [], armored = [], stanzaOwn = [], failures = [];
  for (const name of names) {
    const v = loadVector(name);
    if (v.armored) {
      // Binary files only (what keygen --passphrase writes): every armored file is refused as such.
      await assert.rejects(age.decryptWithPassphrase(v.body, utf8(v.passphrase ?? "x")), (e) => e.kind === "armored", name);
      armored.push(name);
      continue;
    }
    // A "no match" or "header failure" of an X25519 or mlkem768x25519 stanza is that stanza's own
    // check (its share, its body, the identity), which a passphrase reader never makes.
    if (/^(x25519|hybrid)/.test(name) && v.passphrase === undefined && (v.expect === "no match" || v.expect === "header failure")) {
      stanzaOwn.push(name);
      continue;
    }
    const got = await outcome(v);
    judged.push(name);
    if (got !== v.expect) failures.push(`${name}: expected ${v.expect}, got ${got}`);
  }
  assert.deepEqual(failures, []);
  assert.equal(judged.filter((n) => n.startsWith("scrypt")).length, 25);
  assert.deepEqual([judged.length, armored.length, stanzaOwn.length], [85, 33, 25]);
});

test("a work factor above the cap is refused before scrypt runs", async () => {
  const v = loadVector("scrypt_work_factor_23");
  // At 2^23 scrypt would need 8 GiB and minutes: the refusal must come first, and fast.
  const started = Date.now();
  await assert.rejects(age.decryptWithPassphrase(v.body, utf8("password")),
    { kind: "workFactorTooHigh", message: "scrypt work factor 23 is above the limit of 22 (decrypting would take too long)" });
  assert.ok(Date.now() - started < 500);
  // The cap is the caller's to lower, as the CLI's maxWorkFactor.
  await assert.rejects(age.decryptWithPassphrase(loadVector("scrypt").body, utf8("password"), { maxWorkFactor: 9 }),
    { kind: "workFactorTooHigh", message: "scrypt work factor 10 is above the limit of 9 (decrypting would take too long)" });
});

test("written files open here, with the right passphrase only, and refuse tampering", async () => {
  const plain = utf8("# created: now\nAGE-SECRET-KEY-1...\n");
  const file = await age.encryptWithPassphrase(plain, utf8("correct horse"), 10);
  const text = new TextDecoder().decode(file.subarray(0, 200));
  assert.match(text, /^age-encryption\.org\/v1\n-> scrypt [A-Za-z0-9+/]{22} 10\n[A-Za-z0-9+/]{43}\n--- [A-Za-z0-9+/]{43}\n/);
  assert.equal(hex(await age.decryptWithPassphrase(file, utf8("correct horse"))), hex(plain));
  await assert.rejects(age.decryptWithPassphrase(file, utf8("correct horsf")), { kind: "wrongPassphrase", message: "incorrect passphrase" });
  const header = age.parseHeader(file);
  const macAt = header.size - 2; // a MAC character (the last, before LF, holds padding bits)
  const tamperedMAC = Uint8Array.from(file);
  tamperedMAC[macAt - 5] = tamperedMAC[macAt - 5] === 0x41 ? 0x42 : 0x41;
  await assert.rejects(age.decryptWithPassphrase(tamperedMAC, utf8("correct horse")),
    { kind: "headerMACMismatch", message: "header authentication failed: the file was modified or corrupted" });
  const tamperedPayload = Uint8Array.from(file);
  tamperedPayload[file.length - 1] ^= 1;
  await assert.rejects(age.decryptWithPassphrase(tamperedPayload, utf8("correct horse")),
    { kind: "malformedPayload", message: "malformed age payload: chunk 0 failed to authenticate" });
  await assert.rejects(age.decryptWithPassphrase(file.subarray(0, file.length - 20), utf8("correct horse")), { kind: "malformedPayload" });
  await assert.rejects(age.encryptWithPassphrase(plain, new Uint8Array(0)), { kind: "emptyPassphrase" });
  await assert.rejects(age.encryptWithPassphrase(plain, utf8("p"), 31), { kind: "invalidWorkFactor" });
});

test("malformed passphrase files: the Swift reader's exact errors", async () => {
  const good = "age-encryption.org/v1\n-> scrypt rF0/NwblUHHTpgQgRpe5CQ 10\ngUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n--- IOXiQYStkoT1mvZW2tFOqZdhRVvj58egABx/sWfZQbc\n";
  const h = (reason) => ({ kind: "malformedHeader", message: `malformed age header: ${reason}` });
  const cases = [
    ["", h("file is empty")],
    ["age-encryption.org/v1", h("unexpected end of header")],
    ["age-encryption.org/v1\r\n", h("header lines end with CRLF, not LF")],
    ["age-encryption.org/v2\n", h("unsupported format version")],
    ["PK\x03\x04\n", h("not an age file")],
    ["age-encryption.org/v1\n--- IOXiQYStkoT1mvZW2tFOqZdhRVvj58egABx/sWfZQbc\n", h("no recipient stanzas")],
    [good.replace("--- IOX", "---  IOX"), h("malformed MAC line")],
    [good.replace("sWfZQbc", "sWfZQb"), h("malformed MAC line")],
    [good.replace("-> scrypt", "->  scrypt"), h("malformed stanza arguments")],
    [good.replace("-> scrypt", "=> scrypt"), h('expected a stanza ("-> ") or the MAC line ("--- ")')],
    [good.replace("-> scrypt rF0/NwblUHHTpgQgRpe5CQ 10", "->"), h('expected a stanza ("-> ") or the MAC line ("--- ")')],
    [good.replace("aUY\n", "aUZ\n"), h("stanza body is not canonical base64")],
    [good.replace("aUY\n", "aU=\n"), h("stanza body is not canonical base64")],
    [good.replace("gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n", ""), h("stanza ended without a short final body line")],
    [good.replace("gUjEymFK", "gUjEymFK".repeat(8) + "gUjEymFK"), h("stanza body line longer than 64 columns")],
    [good.replace(" 10\n", " 10 10\n"), h("scrypt stanza must have exactly two arguments")],
    [good.replace("rF0/NwblUHHTpgQgRpe5CQ", "rF0/NwblUHHTpgQgRpe5"), h("scrypt stanza salt is not a canonical 16-byte value")],
    [good.replace(" 10\n", " 010\n"), h("scrypt work factor is not a decimal number")],
    [good.replace(" 10\n", " +10\n"), h("scrypt work factor is not a decimal number")],
    [good.replace(" 10\n", " 1000000000\n"), h("scrypt work factor is out of range")],
    [good.replace(" 10\n", " 30\n"), { kind: "workFactorTooHigh", message: "scrypt work factor 30 is above the limit of 22 (decrypting would take too long)" }],
    [good.replace("gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY", "gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2"), h("scrypt stanza body must be 32 bytes")],
    [good.replace("-> scrypt", "-> X25519"), { kind: "noIdentityMatched", message: "this file is encrypted to a key, not protected by a passphrase" }],
    [good.replace("---", "-> scrypt rF0/NwblUHHTpgQgRpe5CQ 10\ngUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY\n---"),
      { kind: "scryptMustBeAlone", message: "an scrypt (passphrase) stanza must be the only stanza in the header" }],
    [good, h("the payload nonce is missing")],
    [good + "0123456789abcdef", { kind: "truncated", message: "file is truncated" }],
    [`\n${"-----BEGIN AGE ENCRYPTED FILE-----"}\n`, { kind: "armored", message: "this is an armored (ASCII) age file; this page reads binary ones, as 'securechat keygen --passphrase' writes them" }],
  ];
  for (const [text, expected] of cases) {
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    await assert.rejects(age.decryptWithPassphrase(bytes, utf8("password")), expected, JSON.stringify(text));
  }
  // A header line past the cap is refused without reading on.
  const long = concat(utf8("age-encryption.org/v1\n-> "), new Uint8Array(age.MAX_HEADER).fill(0x41));
  await assert.rejects(age.decryptWithPassphrase(long, utf8("password")), h(`header is larger than ${age.MAX_HEADER} bytes`));
});
