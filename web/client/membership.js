// What a room session does about membership (docs/protocol.md, "Group state" and "Approval
// rooms: knocking"): applying the chain's commits, the commits this member owes, knocks to
// answer and its own knock's answer. Installed on RoomSession's prototype by session.js; `this`
// is the session.

import { b64url, equal, fromB64url, randomBytes } from "./bytes.js";
import * as group from "./group.js";
import { fingerprint } from "./identity.js";
import { ed25519Verify } from "./primitives.js";
import { agreementKeyPayload, isDisplayName, isNote, isRoomID } from "./protocol.js";
import { skeleton } from "./skeleton.js";

const b = (text) => fromB64url(text, "optional");

/**
 * The name in `known` (name → fingerprint, in the order first seen) that `name` looks like with
 * another identity than `fp`, seen before `name` was; null if none.
 */
export function lookalikeOf(known, name, fp) {
  const s = skeleton(name);
  for (const [other, otherFp] of Object.entries(known)) {
    if (other === name) break;
    if (otherFp !== fp && skeleton(other) === s) return other;
  }
  return null;
}

/**
 * For each roster entry `{ name, fingerprint, self }`, the name of another identity it looks
 * like (`lookalikeOf` over the room's first-seen names), shown beside it as the CLI shows
 * `Member.looksLike`; null for this browser's own entry and for names like no other.
 */
export function rosterLookalikes(members, known) {
  return members.map((m) => (m.self || !m.fingerprint ? null : lookalikeOf(known, m.name, m.fingerprint)));
}

export const membership = {
  async commitFrame(f) {
    if (Number(f.seq) > 0) this.receiveSeq(Number(f.seq));
    const bytes = b(f.commit);
    let c;
    try { c = group.parseCommit(bytes ?? new Uint8Array(0)); } catch (e) {
      return this.problem(`the relay sent a group change that is not a commit (${e.message}); it was ignored`);
    }
    if (this.group && c.epoch <= this.group.epoch) {
      if (c.epoch === this.group.epoch && !equal(await group.commitHash(c), this.group.head)) {
        return this.finish("untrusted relay", `the relay showed another commit for epoch ${c.epoch}`);
      }
      return;
    }
    if (this.kept && c.epoch === this.kept.epoch && !equal(await group.commitHash(c), this.kept.head)) {
      return this.finish("untrusted relay", `the relay showed another commit for epoch ${c.epoch} than the one this browser applied before`);
    }
    const previous = this.group;
    let next;
    try {
      if (previous) next = await group.applyCommit(previous, c);
      else {
        next = await group.genesis(c, this.config.ownerPin);
        if (c.roomID !== this.roomID || (this.config.policy && c.policy !== this.config.policy)) throw new group.RuleError("wrong_room", "the chain is for another room or policy");
      }
      if (c.kind === group.KIND.create && this.policy === "open") {
        const k = await this.keyWithID(c.keyID);
        if (k) await group.checkKey(k, c);
        else if (this.keys.length) await group.checkKey(this.keys[0], c);
      }
    } catch (e) {
      return this.problem(`the relay sent a group change that breaks the room's rules, which was ignored: ${e.message}`);
    }
    try {
      const opened = await group.openSealed(c, this.me, this.config.identity.agreement);
      if (opened && !this.keys.some((k) => equal(k, opened))) {
        this.keys.unshift(opened);
        this.emit("keys", { keys: this.keys });
      }
    } catch (e) {
      return this.problem(`a group change by ${this.nameOf(c.author)} does not carry a room key we can use (${e.message}); it was ignored`);
    }
    if (previous && !equal(previous.keyID, next.keyID)) this.retired.set(b64url(previous.keyID), { seq: Number(f.seq), time: Number(f.time) });
    const who = b64url(c.subject);
    if ([group.KIND.create, group.KIND.add, group.KIND.join].includes(c.kind)) {
      (this.memberships.get(who) ?? this.memberships.set(who, []).get(who)).push({ from: Number(f.seq), to: null });
    } else if (c.kind === group.KIND.remove || c.kind === group.KIND.leave) {
      const list = this.memberships.get(who);
      if (list?.length) list[list.length - 1].to = Number(f.seq);
    }
    if (!previous && !this.config.ownerPin) {
      this.config.ownerPin = next.owner;
      this.emit("owner-pinned", { owner: b64url(next.owner) });
    }
    this.group = next;
    if (this.sentCommit && equal(await group.commitHash(this.sentCommit), await group.commitHash(c))) this.sentCommit = null;
    if (c.kind === group.KIND.remove && this.removing && equal(c.subject, this.removing)) this.removing = null;
    for (const m of next.members) {
      this.person(b64url(m.signingKey)).agreementKey = m.agreementKey;
    }
    if ([group.KIND.create, group.KIND.add, group.KIND.join].includes(c.kind)) await this.observe(c.subject);
    const kindName = Object.keys(group.KIND).find((k) => group.KIND[k] === c.kind);
    if (kindName !== "create") {
      // A newcomer is shown with the fingerprint of the agreement key its commit signs, at once.
      const admitted = c.kind === group.KIND.add || c.kind === group.KIND.join;
      const fp = admitted ? await fingerprint(c.subjectAgreementKey, c.subject) : null;
      this.emit("notice", { kind: kindName === "add" ? "approve" : kindName, member: kindName === "rotate" ? null : this.nameOf(c.subject), by: this.nameOf(c.author), fingerprint: fp, time: Number(f.time), history: Number(f.seq) <= (this.historyThrough ?? -1) });
    }
    this.emit("roster", this.rosterView());
    this.emit("resume", this.resumeState());
    if (this.phase === "live") { await this.groupDuties(); await this.transmit(); }
  },

  /** Trust on first use by name in this room; a known name with another identity is a key change. */
  async observe(member) {
    const p = this.people.get(b64url(member));
    if (!p?.agreementKey || !p.name) return;
    const fp = await fingerprint(p.agreementKey, member);
    const before = this.known[p.name];
    if (before && before !== fp) {
      this.emit("notice", { kind: "key_change", member: p.name, detail: `${p.name}'s keys changed: ${before} → ${fp}` });
    }
    if (!before) {
      // A new name that looks like one this room knows with another identity: someone may be
      // passing as that member. The member seen first keeps its name unflagged.
      const alike = lookalikeOf(this.known, p.name, fp);
      if (alike) this.emit("notice", { kind: "lookalike", member: p.name, detail: alike });
    }
    if (before !== fp) { this.known[p.name] = fp; this.emit("known", { known: this.known }); }
  },

  async groupDuties() {
    const g = this.group;
    if (this.phase !== "live" || this.sentCommit || !g) return;
    if (group.isMember(g, this.me) && !this.leaving) await this.claimName();
    const me = this.config.identity;
    let built = null;
    if (this.leaving) {
      if (group.isMember(g, this.me)) built = await group.buildLeave(g, me);
    } else if (!group.isMember(g, this.me)) {
      const key = this.policy === "open" ? await this.keyWithID(g.keyID) : null;
      if (key) built = await group.buildJoin(g, key, me);
    } else if (this.removing) {
      if (!group.isMember(g, this.removing) || !equal(g.owner, this.me)) { this.removing = null; return; }
      built = await group.buildRemove(g, this.removing, randomBytes(32), me);
    } else if (g.stale && group.mayRotate(g, this.me)) {
      built = await group.buildRotate(g, randomBytes(32), me);
    }
    if (!built) return;
    this.sentCommit = built;
    this.send({ type: "commit", room_id: this.roomID, commit: b64url(group.commitBytes(built)) });
  },

  async knockNotice(f) {
    if (this.knocks.some((k) => k.knockID === f.knock_id)) return;
    const member = b(f.member), agreementKey = b(f.agreement_key), binding = b(f.binding);
    if (!member || !agreementKey || !binding || typeof f.knock_id !== "string"
      || !(await ed25519Verify(member, binding, agreementKeyPayload(agreementKey)))) {
      return this.problem("a knock whose agreement key is not signed by the knocker was ignored");
    }
    const name = isDisplayName(f.name) ? f.name : "unknown";
    const fp = await fingerprint(agreementKey, member);
    // A note is the knocker's words as the relay passes them: shown only within the protocol's
    // limits (280 characters, no control or format characters), otherwise left out.
    const note = isNote(f.note) && f.note !== "" ? f.note : null;
    this.knocks.push({ knockID: f.knock_id, member, agreementKey, name, note, fingerprint: fp });
    this.emit("knocks", this.knocks);
    this.emit("notice", { kind: "knock", member: name, detail: note, time: Number(f.time) });
  },

  async approve(knockID) {
    const k = this.knocks.find((x) => x.knockID === knockID);
    const g = this.group;
    const key = g ? await this.keyWithID(g.keyID) : null;
    if (!k || !key || this.phase !== "live") return this.problem("not in the room yet");
    const commit = await group.buildAdd(g, k.member, k.agreementKey, key, this.config.identity);
    this.send({ type: "approve", room_id: this.roomID, knock_id: k.knockID, commit: b64url(group.commitBytes(commit)) });
    this.knocks = this.knocks.filter((x) => x !== k);
    this.emit("knocks", this.knocks);
  },

  deny(knockID) {
    if (this.phase !== "live") return this.problem("not in the room yet");
    this.send({ type: "deny", room_id: this.roomID, knock_id: knockID });
    this.knocks = this.knocks.filter((x) => x.knockID !== knockID);
    this.emit("knocks", this.knocks);
  },

  async remove(member) {
    if (!this.group || !equal(this.group.owner, this.me)) return this.problem("only the room's owner can remove members");
    this.removing = member;
    await this.groupDuties();
  },

  async leave() {
    if (!this.group || equal(this.group.owner, this.me)) return this.problem("you own this room: it ends when it expires, and owners cannot leave it");
    this.leaving = true;
    await this.groupDuties();
  },

  knocked(f) {
    if (this.phase !== "knocking") return;
    if (!isRoomID(f.room_id)) return this.finish("not admitted", "the relay named an invalid room id");
    if (!this.roomID) {
      this.roomID = f.room_id;
      this.verifier.roomID = this.historyVerifier.roomID = f.room_id;
      this.emit("room-id", { roomID: f.room_id });
    }
    this.emit("waiting", { roomID: f.room_id, expiresAt: f.expires_at });
  },

  async approved(f) {
    if (this.phase !== "knocking" || f.room_id !== this.roomID) return;
    let c;
    try {
      c = group.parseCommit(b(f.commit) ?? new Uint8Array(0));
      if (c.kind !== group.KIND.add || c.roomID !== this.roomID || !equal(c.subject, this.me)) throw new Error("not our approval");
      if (!(await ed25519Verify(c.author, c.signature, group.content(c)))) throw new Error("bad signature");
      if (!(await group.openSealed(c, this.me, this.config.identity.agreement))) throw new Error("no key");
    } catch {
      return this.finish("not admitted", "the approval did not verify: its signature or sealed room key is not valid");
    }
    this.phase = "joining";
    this.emit("notice", { kind: "approved", by: this.nameOf(c.author) });
    this.send({ type: "join", room_id: this.roomID, after_seq: this.lastSeq });
  },

  async event(f) {
    const member = typeof f.member === "string" ? f.member : null;
    if (f.event === "name") return this.nameEvent(f);
    if (member && isDisplayName(f.name) && (f.event === "join" || f.event === "approve")) {
      // For display until the commit that admits the member: a name only the relay gives.
      this.unsignedName(member, f.name);
      this.person(member).online = true;
      this.emit("roster", this.rosterView());
    }
    if (["deny", "withdraw", "knock_expired"].includes(f.event)) {
      if (member) this.knocks = this.knocks.filter((k) => b64url(k.member) !== member);
      this.emit("knocks", this.knocks);
      this.emit("notice", { kind: f.event, member: isDisplayName(f.name) ? f.name : null, time: Number(f.time) });
    }
    if (f.event === "expire") this.finish("expired");
  }
};
