// Members' names in a room (docs/protocol.md, "Names"): a name is its member's own signed
// statement with a version; the relay only stores and forwards it. A statement is applied only
// if it verifies under the member's signing key and its version is above the one held; a name
// the relay gives without a statement is shown only until the member has a verified one.
// Installed on RoomSession's prototype by session.js; `this` is the session.

import { b64url, fromB64url } from "./bytes.js";
import { ed25519Sign, ed25519Verify } from "./primitives.js";
import { isDisplayName, isNameVersion, memberNamePayload } from "./protocol.js";

const b = (text) => fromB64url(text, "optional");

export const names = {
  /** The person record of `member` (base64url signing key), made if new. */
  person(member) {
    let p = this.people.get(member);
    if (!p) { p = { name: "unknown", agreementKey: null, online: false, nameVersion: 0 }; this.people.set(member, p); }
    p.nameVersion ??= 0;
    return p;
  },

  /** A name the relay gives without a statement: shown only while no verified one is held. */
  unsignedName(member, name) {
    const p = this.person(member);
    if (isDisplayName(name) && p.nameVersion === 0) p.name = name;
  },

  /**
   * Applies the statement (`name`, `version`, base64url `signature`) of `member` if it verifies
   * and is newer than the one held: `{ before }` (the name it replaced), `"stale"` (not newer) or
   * `"invalid"` (malformed, or not signed by the member).
   */
  async signedName(member, name, version, signature) {
    const key = b(member), sig = b(signature);
    if (!key || key.length !== 32 || !sig || sig.length !== 64 || !isDisplayName(name) || !isNameVersion(version)) return "invalid";
    const p = this.person(member);
    if (version <= p.nameVersion) return "stale";
    if (!(await ed25519Verify(key, sig, memberNamePayload(this.roomID, version, name)))) return "invalid";
    if (version <= p.nameVersion) return "stale"; // a newer one arrived while this one was checked
    const before = p.name;
    p.name = name;
    p.nameVersion = version;
    return { before };
  },

  /** `event name`: a verified change is announced as "OLD is now called NEW". */
  async nameEvent(f) {
    if (typeof f.member !== "string") return;
    const r = await this.signedName(f.member, f.name, f.name_version, f.name_signature);
    if (r === "invalid") return this.problem("a name change that its member did not sign was ignored");
    if (f.member === b64url(this.me) && this.claimingName?.version === f.name_version) this.claimingName = null;
    if (r === "stale") return;
    if (r.before !== f.name) this.emit("notice", { kind: "name", member: r.before, detail: f.name, time: Number(f.time) });
    this.emit("roster", this.rosterView());
  },

  /** A `roster` entry's name: its statement if it verifies, else the relay's unsigned name. */
  async rosterName(m) {
    if (m.name_version !== undefined || m.name_signature !== undefined) {
      const r = await this.signedName(m.member, m.name, m.name_version, m.name_signature);
      if (r !== "invalid") return;
    }
    this.unsignedName(m.member, m.name);
  },

  /** Signs `name` as this member's name in the room and sends it (`set_name`). */
  async setName(name) {
    if (!isDisplayName(name)) return this.problem("a name is 1 to 64 characters, without control characters");
    if (this.phase !== "live") return this.problem("not in the room yet");
    const mine = this.person(b64url(this.me));
    const version = Math.max(Date.now(), mine.nameVersion + 1, (this.claimingName?.version ?? 0) + 1);
    const signature = await ed25519Sign(this.config.identity.signing.privateKey, memberNamePayload(this.roomID, version, name));
    this.claimingName = { name, version };
    this.send({ type: "set_name", room_id: this.roomID, name, version, signature: b64url(signature) });
  },

  /**
   * Once a member: signs the page's name as ours if the room holds no signed name of ours yet.
   * A name signed before (here or by the CLI with the same identity) stays until `setName`.
   */
  async claimName() {
    if (this.claimingName || this.person(b64url(this.me)).nameVersion > 0) return;
    await this.setName(this.config.name);
  },
};
