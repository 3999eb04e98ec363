// Signed message envelopes (docs/formats.md, "Message envelope"):
//   0x01 ‖ kind 0x01 ‖ sender (32) ‖ room-len (1) ‖ room id ‖ counter (8 BE) ‖ time (8 BE)
//   ‖ body-len (4 BE) ‖ body ‖ signature (64)
//   signature = Ed25519(sender, "securechat/v1/envelope" ‖ 0x00 ‖ every byte before it)

import { bigEndian, concat, readBigEndian, utf8 } from "./bytes.js";
import { ed25519Sign, ed25519Verify } from "./primitives.js";
import { isRoomID } from "./protocol.js";

export const MAX_BODY = 1 << 20;
const LABEL = concat(utf8("securechat/v1/envelope"), Uint8Array.of(0));

export class EnvelopeError extends Error {
  /** `kind`: "malformed" or "forged" (well-formed, but not signed by its sender; `envelope` says what it claims). */
  constructor(kind, message, envelope = null) { super(message); this.kind = kind; this.envelope = envelope; }
}

function unsigned({ sender, roomID, counter, time, body }) {
  if (sender.length !== 32) throw new EnvelopeError("malformed", "the sender key is not 32 bytes");
  if (!isRoomID(roomID)) throw new EnvelopeError("malformed", "the room id is not 1 to 64 characters of A-Z a-z 0-9 - _");
  if (body.length > MAX_BODY) throw new EnvelopeError("malformed", `the body is larger than ${MAX_BODY} bytes`);
  const room = utf8(roomID);
  return concat(Uint8Array.of(1, 1), sender, Uint8Array.of(room.length), room, bigEndian(counter, 8), bigEndian(time, 8),
    bigEndian(body.length, 4), body);
}

/** The signed envelope bytes of `{ sender, roomID, counter, time, body }`, signed by `privateKey`. */
export async function signEnvelope(env, privateKey) {
  const u = unsigned(env);
  return concat(u, await ed25519Sign(privateKey, concat(LABEL, u)));
}

/**
 * Parses signed envelope bytes and checks the signature against the sender inside:
 * `{ sender, roomID, counter (BigInt), time (BigInt), body }`, or an `EnvelopeError`.
 */
export async function openEnvelope(bytes) {
  let o = 0;
  const take = (n, what) => {
    if (bytes.length - o < n) throw new EnvelopeError("malformed", `truncated ${what}`);
    const out = bytes.subarray(o, o + n);
    o += n;
    return out;
  };
  if (bytes.length === 0) throw new EnvelopeError("malformed", "empty");
  const version = take(1, "")[0];
  if (version !== 1) throw new EnvelopeError("malformed", `message envelope version ${version} is not supported`);
  const kind = take(1, "before the kind")[0];
  if (kind !== 1) throw new EnvelopeError("malformed", `message envelope kind ${kind} is not supported`);
  const sender = Uint8Array.from(take(32, "in the sender key"));
  const roomLength = take(1, "before the room id")[0];
  const room = take(roomLength, "in the room id");
  const roomID = String.fromCharCode(...room);
  if (!isRoomID(roomID)) throw new EnvelopeError("malformed", "the room id is not 1 to 64 characters of A-Z a-z 0-9 - _");
  const counter = readBigEndian(take(8, "in the counter"));
  if (counter === 0n) throw new EnvelopeError("malformed", "the counter is 0 (counters start at 1)");
  const time = readBigEndian(take(8, "in the time"));
  const length = Number(readBigEndian(take(4, "in the body length")));
  if (length > MAX_BODY) throw new EnvelopeError("malformed", `the body is larger than ${MAX_BODY} bytes`);
  const body = Uint8Array.from(take(length, "in the body"));
  const signedEnd = o;
  const signature = take(64, "in the signature");
  if (o !== bytes.length) throw new EnvelopeError("malformed", `${bytes.length - o} bytes after the signature`);
  const env = { sender, roomID, counter, time, body };
  if (!(await ed25519Verify(sender, signature, concat(LABEL, bytes.subarray(0, signedEnd))))) {
    throw new EnvelopeError("forged", "the message signature does not verify", env);
  }
  return env;
}
