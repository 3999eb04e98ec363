// The group-state chain (docs/protocol.md, "Group state"): commit bytes, the rules every
// implementation applies in the same order with the same verdict codes (checked against
// Tests/Vectors/group-state/chains.json), the checks that need the room key, and building the
// commits this client signs.
//
//   content = "securechat/v2/group-commit" ‖ 0x00 ‖ u8 room id length ‖ room id ‖ u64 epoch
//             ‖ prev (32) ‖ u8 kind ‖ author (32) ‖ subject (32) ‖ subject agreement key (32)
//             ‖ u8 policy ‖ key id (32) ‖ access key (32) ‖ u8 n ‖ n × (member (32) ‖ enc (32)
//             ‖ u16 ct length ‖ ct) ‖ proof (64)
//   commit  = content ‖ Ed25519 signature by author (64);  hash = SHA-256(commit)

import { bigEndian, concat, equal, isZero, readBigEndian, utf8, zeros } from "./bytes.js";
import { ed25519FromSeed, ed25519Sign, ed25519Verify, hkdf, isValidEd25519, isValidX25519, sha256 } from "./primitives.js";
import * as hpke from "./hpke.js";
import { isRoomID, roomAccessKeyInfo, roomKeyInfo } from "./protocol.js";

export const KIND = { create: 0, add: 1, join: 2, remove: 3, leave: 4, rotate: 5 };
const KIND_NAME = Object.fromEntries(Object.entries(KIND).map(([k, v]) => [v, k]));
export const MAX_MEMBERS = 255;
const LABEL = concat(utf8("securechat/v2/group-commit"), Uint8Array.of(0));
const Z32 = zeros(32), Z64 = zeros(64);

/** Bytes that are not a commit at all (`code`: truncated, wrong_label, …). */
export class CommitParseError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

/** A rule a commit breaks; `code` is the verdict of the shared vectors. */
export class RuleError extends Error {
  constructor(code, message) { super(message ?? code.replace(/_/g, " ")); this.code = code; }
}
const rule = (code, message) => new RuleError(code, message);

export function contentBeforeProof(c) {
  const id = utf8(c.roomID);
  const sealed = c.sealed.map((s) => concat(s.member, s.enc, bigEndian(s.ct.length, 2), s.ct));
  return concat(LABEL, Uint8Array.of(id.length), id, bigEndian(c.epoch, 8), c.prev, Uint8Array.of(c.kind), c.author, c.subject,
    c.subjectAgreementKey, Uint8Array.of(c.policy === "open" ? 0 : 1), c.keyID, c.accessKey, Uint8Array.of(c.sealed.length), ...sealed);
}
export const content = (c) => concat(contentBeforeProof(c), c.proof);
export const commitBytes = (c) => concat(content(c), c.signature);
export const commitHash = (c) => sha256(commitBytes(c));

/** Parses commit bytes exactly; `epoch` is a BigInt. Throws `CommitParseError`. */
export function parseCommit(data) {
  let o = 0;
  const take = (n) => {
    if (data.length - o < n) throw new CommitParseError("truncated", "the commit is truncated");
    const out = Uint8Array.from(data.subarray(o, o + n));
    o += n;
    return out;
  };
  if (data.length > 16 * 1024 * 1024) throw new CommitParseError("too_large", "the commit is larger than any valid commit");
  if (!equal(take(LABEL.length), LABEL)) throw new CommitParseError("wrong_label", "not a group commit (wrong label)");
  const id = take(take(1)[0]);
  const roomID = String.fromCharCode(...id);
  if (!isRoomID(roomID)) throw new CommitParseError("invalid_room_id", "the commit's room id is not a room id");
  const epoch = readBigEndian(take(8));
  const prev = take(32);
  const kind = take(1)[0];
  if (!(kind in KIND_NAME)) throw new CommitParseError("unknown_kind", "the commit's kind is unknown");
  const author = take(32), subject = take(32), subjectAgreementKey = take(32);
  const p = take(1)[0];
  if (p > 1) throw new CommitParseError("unknown_policy", "the commit's policy is unknown");
  const keyID = take(32), accessKey = take(32);
  const n = take(1)[0];
  const sealed = [];
  for (let i = 0; i < n; i++) {
    const member = take(32), enc = take(32);
    const len = Number(readBigEndian(take(2)));
    if (len < 1 || len > 1024) throw new CommitParseError("invalid_sealed_key", "a sealed key's ciphertext length is out of range (1 to 1024 bytes)");
    sealed.push({ member, enc, ct: take(len) });
  }
  const proof = take(64), signature = take(64);
  if (o !== data.length) throw new CommitParseError("trailing_bytes", "bytes follow the commit's signature");
  return { roomID, epoch, prev, kind, author, subject, subjectAgreementKey, policy: p === 0 ? "open" : "approval", keyID, accessKey, sealed, proof, signature };
}

const signatureValid = (c) => ed25519Verify(c.author, c.signature, content(c));

function checkKeys(signing, agreement) {
  if (!isValidEd25519(signing)) throw rule("invalid_key", "the commit's signing key is not a valid public key");
  if (isZero(agreement) || !isValidX25519(agreement)) throw rule("invalid_key", "the commit's agreement key is not a valid public key");
}

function checkAccessKey(key, policy) {
  if (policy === "open") {
    if (isZero(key) || !isValidEd25519(key)) throw rule("invalid_key", "the commit's access key is not a valid public key");
  } else if (!isZero(key)) {
    throw rule("unexpected_field", "the commit carries an access key its kind does not allow");
  }
}

const findMember = (state, key) => state.members.find((m) => equal(m.signingKey, key));

/**
 * The state founded by a `create` commit: `{ roomID, policy, owner, epoch, head, members:
 * [{ signingKey, agreementKey, since }], keyID, accessKey, stale, keyHistory: [{ id, retiredAt }] }`.
 * `pinnedOwner` (from the invite) is the only key allowed to found it; null trusts the founder.
 */
export async function genesis(c, pinnedOwner) {
  if (c.kind !== KIND.create) throw rule("not_genesis");
  if (c.epoch !== 0n || !isZero(c.prev)) throw rule("wrong_epoch");
  if (!equal(c.author, c.subject)) throw rule("author_not_subject");
  if (pinnedOwner && !equal(pinnedOwner, c.author)) throw rule("owner_not_pinned", "the room was founded by a key other than the owner the invite names");
  checkKeys(c.author, c.subjectAgreementKey);
  if (c.sealed.length || !isZero(c.proof)) throw rule("unexpected_field");
  checkAccessKey(c.accessKey, c.policy);
  if (!(await signatureValid(c))) throw rule("bad_signature", "the commit's signature does not verify");
  return {
    roomID: c.roomID, policy: c.policy, owner: c.author, epoch: 0n, head: await commitHash(c),
    members: [{ signingKey: c.author, agreementKey: c.subjectAgreementKey, since: 0n }],
    keyID: c.keyID, accessKey: c.accessKey, stale: false, keyHistory: [{ id: c.keyID, retiredAt: null }],
  };
}

/** The next state, or the `RuleError` `c` breaks (the order is the spec's). */
export async function applyCommit(state, c) {
  if (c.roomID !== state.roomID) throw rule("wrong_room", "the commit is for another room");
  if (c.epoch !== state.epoch + 1n) throw rule("wrong_epoch", `the commit is for epoch ${c.epoch}, not the next one (${state.epoch + 1n})`);
  if (!equal(c.prev, state.head)) throw rule("wrong_previous", "the commit does not follow the current state: a fork");
  if (c.policy !== state.policy) throw rule("wrong_policy");
  if (!(await signatureValid(c))) throw rule("bad_signature", "the commit's signature does not verify");
  const next = { ...state, members: state.members.slice(), keyHistory: state.keyHistory.map((k) => ({ ...k })), epoch: c.epoch, head: await commitHash(c) };
  const self = equal(c.subject, c.author);
  const isMember = (k) => !!findMember(state, k);
  const sameKey = () => { if (!equal(c.keyID, state.keyID) || !equal(c.accessKey, state.accessKey)) throw rule("wrong_key"); };
  const changeKey = () => {
    if (next.keyHistory.some((k) => equal(k.id, c.keyID))) throw rule("key_reused");
    checkAccessKey(c.accessKey, state.policy);
    const to = c.sealed.map((s) => s.member);
    const uniq = new Set(to.map((k) => k.join(",")));
    const want = new Set(next.members.map((m) => m.signingKey.join(",")));
    if (to.length !== next.members.length || uniq.size !== to.length || [...uniq].some((k) => !want.has(k))) throw rule("sealed_keys_mismatch");
    const current = next.keyHistory.findLast((k) => k.retiredAt === null);
    if (current) current.retiredAt = c.epoch;
    next.keyHistory.push({ id: c.keyID, retiredAt: null });
    next.keyID = c.keyID;
    next.accessKey = c.accessKey;
    next.stale = false;
  };
  switch (c.kind) {
    case KIND.create:
      throw rule("not_genesis");
    case KIND.add:
      if (state.policy !== "approval") throw rule("wrong_policy");
      if (!isMember(c.author)) throw rule("author_not_member");
      if (isMember(c.subject)) throw rule("already_member");
      checkKeys(c.subject, c.subjectAgreementKey);
      sameKey();
      if (c.sealed.length !== 1 || !equal(c.sealed[0].member, c.subject)) throw rule("sealed_keys_mismatch");
      if (!isZero(c.proof)) throw rule("unexpected_field");
      if (state.members.length >= MAX_MEMBERS) throw rule("too_many_members");
      next.members.push({ signingKey: c.subject, agreementKey: c.subjectAgreementKey, since: c.epoch });
      break;
    case KIND.join:
      if (state.policy !== "open") throw rule("wrong_policy");
      if (!self) throw rule("author_not_subject");
      if (isMember(c.subject)) throw rule("already_member");
      checkKeys(c.subject, c.subjectAgreementKey);
      sameKey();
      if (c.sealed.length) throw rule("unexpected_field");
      if (isZero(c.proof)) throw rule("missing_proof");
      if (!(await ed25519Verify(state.accessKey, c.proof, contentBeforeProof(c)))) throw rule("bad_proof");
      if (state.members.length >= MAX_MEMBERS) throw rule("too_many_members");
      next.members.push({ signingKey: c.subject, agreementKey: c.subjectAgreementKey, since: c.epoch });
      break;
    case KIND.remove:
      if (!equal(c.author, state.owner)) throw rule("not_owner");
      if (!isMember(c.subject)) throw rule("not_member");
      if (equal(c.subject, state.owner)) throw rule("owner_cannot_leave");
      if (!isZero(c.subjectAgreementKey) || !isZero(c.proof)) throw rule("unexpected_field");
      next.members = next.members.filter((m) => !equal(m.signingKey, c.subject));
      changeKey();
      break;
    case KIND.leave:
      if (!self) throw rule("author_not_subject");
      if (!isMember(c.subject)) throw rule("not_member");
      if (equal(c.subject, state.owner)) throw rule("owner_cannot_leave");
      sameKey();
      if (c.sealed.length || !isZero(c.subjectAgreementKey) || !isZero(c.proof)) throw rule("unexpected_field");
      next.members = next.members.filter((m) => !equal(m.signingKey, c.subject));
      next.stale = true;
      break;
    case KIND.rotate:
      if (!isMember(c.author)) throw rule("author_not_member");
      if (!self) throw rule("author_not_subject");
      if (!mayRotate(state, c.author)) throw rule("rotation_not_due");
      if (!isZero(c.subjectAgreementKey) || !isZero(c.proof)) throw rule("unexpected_field");
      changeKey();
      break;
    default:
      throw rule("unknown_kind");
  }
  return next;
}

export const isMember = (state, key) => !!findMember(state, key);
export const memberOf = findMember;
export const mayRotate = (state, key) => isMember(state, key) && (equal(key, state.owner) || state.stale);

// ---- what needs the room key ----

/** SHA-256("securechat/v2/key-id" ‖ 0x00 ‖ room id ‖ 0x00 ‖ room key) */
export const keyID = (roomID, key) => sha256(concat(utf8("securechat/v2/key-id"), Uint8Array.of(0), utf8(roomID), Uint8Array.of(0), key));

/** The room access key pair of a room key (docs/protocol.md, "Rooms"). */
export async function accessKeyPair(roomID, key) {
  if (key.length !== 32) throw new Error("a room key is 32 bytes");
  const seed = await hkdf(key, roomAccessKeyInfo(roomID), 32);
  return ed25519FromSeed(seed);
}

export async function accessKeyOf(roomID, key, policy) {
  return policy === "open" ? (await accessKeyPair(roomID, key)).publicKey : zeros(32);
}

/** That `key` is the key `c` names: its id, and for an open room its access key. */
export async function checkKey(key, c) {
  if (!equal(await keyID(c.roomID, key), c.keyID)) throw rule("sealed_key_mismatch", "the room key is not the key the commit names");
  if (!equal(await accessKeyOf(c.roomID, key, c.policy), c.accessKey)) throw rule("access_key_mismatch", "the commit's access key is not derived from its room key");
}

/** The room key `c` seals to `member`, checked against `c`; null when it seals nothing to it. */
export async function openSealed(c, member, agreement) {
  const s = c.sealed.find((x) => equal(x.member, member));
  if (!s) return null;
  let key;
  try {
    key = await hpke.open(agreement, s.enc, s.ct, roomKeyInfo(c.roomID));
  } catch {
    throw rule("sealed_key_unopenable", "the key sealed to us does not open");
  }
  if (key.length !== 32) throw rule("sealed_key_unopenable", "the key sealed to us does not open");
  await checkKey(key, c);
  return key;
}

export async function seal(key, member, agreementKey, roomID) {
  const { enc, ct } = await hpke.seal(agreementKey, roomKeyInfo(roomID), key);
  return { member, enc, ct };
}

// ---- building commits (me = { signing: { privateKey, publicKey }, agreement: {…} }) ----

async function signed(c, signer) {
  c.signature = await ed25519Sign(signer.privateKey, content(c));
  return c;
}

function next(state, kind, me, subject) {
  return {
    roomID: state.roomID, epoch: state.epoch + 1n, prev: state.head, kind, author: me.signing.publicKey, subject,
    subjectAgreementKey: Z32, policy: state.policy, keyID: state.keyID, accessKey: state.accessKey, sealed: [], proof: Z64, signature: null,
  };
}

export async function buildCreate(roomID, policy, key, me) {
  const c = {
    roomID, epoch: 0n, prev: Z32, kind: KIND.create, author: me.signing.publicKey, subject: me.signing.publicKey,
    subjectAgreementKey: me.agreement.publicKey, policy, keyID: await keyID(roomID, key), accessKey: await accessKeyOf(roomID, key, policy),
    sealed: [], proof: Z64, signature: null,
  };
  return signed(c, me.signing);
}

export async function buildAdd(state, joiner, joinerAgreementKey, key, me) {
  const c = next(state, KIND.add, me, joiner);
  c.subjectAgreementKey = joinerAgreementKey;
  c.sealed = [await seal(key, joiner, joinerAgreementKey, state.roomID)];
  return signed(c, me.signing);
}

export async function buildJoin(state, key, me) {
  const c = next(state, KIND.join, me, me.signing.publicKey);
  c.subjectAgreementKey = me.agreement.publicKey;
  const access = await accessKeyPair(state.roomID, key);
  c.proof = await ed25519Sign(access.privateKey, contentBeforeProof(c));
  return signed(c, me.signing);
}

export async function buildLeave(state, me) {
  return signed(next(state, KIND.leave, me, me.signing.publicKey), me.signing);
}

async function rekey(c, state, newKey, members) {
  c.keyID = await keyID(state.roomID, newKey);
  c.accessKey = await accessKeyOf(state.roomID, newKey, state.policy);
  c.sealed = [];
  for (const m of members) c.sealed.push(await seal(newKey, m.signingKey, m.agreementKey, state.roomID));
}

export async function buildRemove(state, member, newKey, me) {
  const c = next(state, KIND.remove, me, member);
  await rekey(c, state, newKey, state.members.filter((m) => !equal(m.signingKey, member)));
  return signed(c, me.signing);
}

export async function buildRotate(state, newKey, me) {
  const c = next(state, KIND.rotate, me, me.signing.publicKey);
  await rekey(c, state, newKey, state.members);
  return signed(c, me.signing);
}
