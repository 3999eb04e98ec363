import { test } from "node:test";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { identityFromSecret, fingerprint, safetyNumber } from "../../../web/client/identity.js";
import { signEnvelope, openEnvelope, EnvelopeError } from "../../../web/client/envelope.js";
import { ed25519KeyProblem, isValidX25519 } from "../../../web/client/primitives.js";
import { fromHex, hex, utf8 } from "../../../web/client/bytes.js";

// The vectors of docs/formats.md, "Message envelope" and "Safety numbers" (identities with X25519
// secrets of 32 bytes 0x01 and 0x02), read from the document itself.
const formats = readFileSync(new URL("../../../docs/formats.md", import.meta.url), "utf8");
const ENVELOPE = /Test vector \(X25519 secret of 32 bytes 0x01[\s\S]*?```\n([0-9a-f\n]+)```/.exec(formats)[1].replace(/\n/g, "");

test("the signing key is derived from the X25519 secret as docs/formats.md says", async () => {
  const id = await identityFromSecret(new Uint8Array(32).fill(1));
  assert.match(hex(id.signing.publicKey), /^b2cfee7b.*4927b0$/);
});

test("the envelope vector of docs/formats.md: same bytes signed here, and it opens", async () => {
  const id = await identityFromSecret(new Uint8Array(32).fill(1));
  const env = { sender: id.signing.publicKey, roomID: "AAAAAAAAAAAAAAAAAAAAAA", counter: 7n, time: 1700000000n, body: utf8("héllo\nworld") };
  assert.equal(hex(await signEnvelope(env, id.signing.privateKey)), ENVELOPE);
  const opened = await openEnvelope(fromHex(ENVELOPE));
  assert.equal(opened.counter, 7n);
  assert.equal(new TextDecoder().decode(opened.body), "héllo\nworld");
});

test("malformed and forged envelopes get their verdicts", async () => {
  const good = fromHex(ENVELOPE);
  const flip = (i) => { const b = Uint8Array.from(good); b[i] ^= 1; return b; };
  const table = [
    ["empty", new Uint8Array(0), "malformed", "empty"],
    ["version 2", flip(0).map((x, i) => (i === 0 ? 2 : x)), "malformed", "message envelope version 2 is not supported"],
    ["kind 0", Uint8Array.from(good).map((x, i) => (i === 1 ? 0 : x)), "malformed", "message envelope kind 0 is not supported"],
    ["truncated", good.subarray(0, good.length - 1), "malformed", "truncated in the signature"],
    ["trailing", Uint8Array.from([...good, 0]), "malformed", "1 bytes after the signature"],
    ["body altered", flip(good.length - 70), "forged", "the message signature does not verify"],
    ["signature altered", flip(good.length - 1), "forged", "the message signature does not verify"],
  ];
  for (const [name, bytes, kind, message] of table) {
    await assert.rejects(openEnvelope(bytes), (e) => e instanceof EnvelopeError && e.kind === kind && e.message === message, name);
  }
});

test("safety number and fingerprint of the documented identities", async () => {
  const a = await identityFromSecret(new Uint8Array(32).fill(1));
  const b = await identityFromSecret(new Uint8Array(32).fill(2));
  const pa = { agreementKey: a.agreement.publicKey, signingKey: a.signing.publicKey };
  const pb = { agreementKey: b.agreement.publicKey, signingKey: b.signing.publicKey };
  const expected = "68603 57763 68239 63557 93817 44668 98890 23745 09335 28372 20137 66104";
  assert.equal(await safetyNumber(pa, pb), expected);
  assert.equal(await safetyNumber(pb, pa), expected);
  assert.match(await fingerprint(pa.agreementKey, pa.signingKey), /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
});

test("small-order and non-canonical keys are refused", () => {
  const le = (h) => fromHex(h);
  assert.equal(ed25519KeyProblem(le("01" + "00".repeat(31))), "small order");
  assert.equal(ed25519KeyProblem(le("01" + "00".repeat(30) + "80")), "non-canonical");
  assert.equal(ed25519KeyProblem(le("ed" + "ff".repeat(30) + "7f")), "non-canonical");
  assert.equal(ed25519KeyProblem(le("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85")), "small order");
  assert.equal(ed25519KeyProblem(le("b2cfee7b1658867f501b31c76d5aa6d15950b7af8fc6ffa141edba66ad4927b0")), null);
  assert.equal(isValidX25519(new Uint8Array(32)), false);
  assert.equal(isValidX25519(le("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880")), false);
  assert.equal(isValidX25519(new Uint8Array(32).fill(9)), true);
});

test("age identity files: the CCTV vectors' identities decode, malformed ones are refused", async () => {
  const { parseIdentityFile } = await import("../../../web/client/identity.js");
  const { readdirSync, readFileSync: read } = await import("node:fs");
  const dir = new URL("../../Vectors/age/", import.meta.url);
  let n = 0;
  for (const name of readdirSync(dir)) {
    const m = /^identity: (AGE-SECRET-KEY-1[0-9A-Z]+)$/m.exec(read(new URL(name, dir), "latin1").split("\n\n")[0]);
    if (!m) continue;
    assert.equal(parseIdentityFile(`# created: x\n${m[1]}\n`).length, 32, name);
    n++;
  }
  assert.ok(n > 50);
  const good = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
  assert.equal(parseIdentityFile(good).length, 32);
  const table = [
    ["", "the file holds no AGE-SECRET-KEY-1 line"],
    ["age-encryption.org/v1\n-> scrypt", "this identity file is protected by a passphrase"],
    ["hello\n", "the file holds a line that is not an age identity"],
    [good.slice(0, -1) + "Y", "malformed identity: invalid checksum"],
    [good.toLowerCase().replace("age-secret-key-1e", "AGE-SECRET-KEY-1e"), "malformed identity: mixed case"],
  ];
  for (const [text, message] of table) assert.throws(() => parseIdentityFile(text), { message }, message);
});

test("identity files written here: the CLI's text, Bech32 both ways (checked with age-keygen -y)", async () => {
  const { bech32Encode, bech32Decode, identityFileText, recipientText } = await import("../../../web/client/identity.js");
  const secret = new Uint8Array(32).fill(1);
  const id = await identityFromSecret(secret);
  // The identity of formats.md's vectors (X25519 secret of 32 bytes 0x01); `age-keygen -y` gives this recipient.
  assert.equal(recipientText(id.agreement.publicKey), "age15nsf9y4k28p83wth93tf7hafhvfajp45d2mge80ems45gz0c5gys3me64l");
  assert.equal(await identityFileText(secret, "2026-12-01T06:00:00Z"),
    "# created: 2026-12-01T06:00:00Z\n# public key: age15nsf9y4k28p83wth93tf7hafhvfajp45d2mge80ems45gz0c5gys3me64l\n"
    + "# fingerprint: eje7-ujdx-qulg-4yik\nAGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZ9K4CN\n");
  for (let n = 0; n < 40; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    const back = bech32Decode(bech32Encode("age", data));
    assert.equal(hex(back.data), hex(data));
  }
});

test("identity files round trip through a passphrase; the exported key is the identity", async () => {
  const { identityFromSecret: make, readIdentityFile, writeIdentityFile, MAX_IDENTITY_FILE } = await import("../../../web/client/identity.js");
  const { fingerprint: fp } = await import("../../../web/client/identity.js");
  const secret = new Uint8Array(32).fill(7);
  const id = await make(secret, { exportable: true });
  const file = await writeIdentityFile(id.agreement.privateKey, "tr0ub4dor & 3", { workFactor: 10, now: Date.UTC(2026, 11, 1, 6) });
  const back = await readIdentityFile(file, "tr0ub4dor & 3");
  assert.equal(hex(back), hex(secret));
  const again = await make(back);
  assert.equal(await fp(again.agreement.publicKey, again.signing.publicKey), await fp(id.agreement.publicKey, id.signing.publicKey));
  await assert.rejects(readIdentityFile(file, "tr0ub4dor & 4"), { message: "incorrect passphrase" });
  await assert.rejects(readIdentityFile(file), { message: "this identity file is protected by a passphrase: type it in the passphrase field" });
  await assert.rejects(readIdentityFile(new Uint8Array(MAX_IDENTITY_FILE + 1)), { message: "the file is larger than 64 KiB, so it is no identity file" });
  await assert.rejects(readIdentityFile(Uint8Array.of(0x41, 0xff, 0x0a)), { message: "the file is not UTF-8 text" });
  // A plain identity file needs no passphrase.
  assert.equal(hex(await readIdentityFile(utf8("AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZ9K4CN\n"))), "01".repeat(32));
  // Keys made without `exportable` cannot be written out, and say so.
  const locked = await make(secret);
  await assert.rejects(writeIdentityFile(locked.agreement.privateKey, "p"), { message: "the key is not extractable" });
  await assert.rejects(writeIdentityFile(id.agreement.privateKey, ""), { message: "choose a passphrase" });
});
