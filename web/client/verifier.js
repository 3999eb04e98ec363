// Judging a delivered message (docs/formats.md, "Checks on receipt"), in the document's order:
// undecryptable, malformed, forged, forged (another sender than the relay says), wrong_room,
// replayed, out_of_order, valid. Highest accepted counters per sender are kept so a message
// delivered again under a new sequence number is caught as a replay.

import { b64url, equal } from "./bytes.js";
import * as fernet from "./fernet.js";
import { openEnvelope } from "./envelope.js";

export class Verifier {
  constructor(roomID, highest = {}) {
    this.roomID = roomID;
    /** signing key (base64url) → highest accepted counter (BigInt) */
    this.highest = new Map(Object.entries(highest).map(([k, v]) => [k, BigInt(v)]));
  }

  /** `{ verdict, envelope? }` for `token` under `keys`, which the relay says `relayedSender` sent. */
  async judge(keys, token, relayedSender) {
    let plaintext;
    try {
      ({ plaintext } = await fernet.decrypt(keys, token));
    } catch {
      return { verdict: "undecryptable" };
    }
    let env;
    try {
      env = await openEnvelope(plaintext);
    } catch (e) {
      return { verdict: e.kind === "forged" ? "forged" : "malformed", envelope: e.envelope };
    }
    if (!equal(env.sender, relayedSender)) return { verdict: "forged", envelope: env };
    if (env.roomID !== this.roomID) return { verdict: "wrong_room", envelope: env };
    const who = b64url(env.sender);
    const top = this.highest.get(who) ?? 0n;
    if (env.counter === top) return { verdict: "replayed", envelope: env };
    if (env.counter < top) return { verdict: "out_of_order", envelope: env };
    this.highest.set(who, env.counter);
    return { verdict: "valid", envelope: env };
  }

  highestOf(key) { return this.highest.get(b64url(key)) ?? 0n; }

  toJSON() { return Object.fromEntries([...this.highest].map(([k, v]) => [k, v.toString()])); }
}
