// One room over one relay connection: the browser's counterpart of the CLI's ChatSession
// (docs/protocol.md, "Client behaviour"). It signs in, creates or enters the room (join with
// an access proof, knock by id or code), verifies the whole group-state chain from the owner
// the invite pins, judges every message, sends with resend after reconnects, answers knocks,
// and makes the commits a member owes (its own join, a rotation after a leave, a removal).
// It reports what happens through `onEvent(type, detail)`; it never touches the page.

import { b64url, equal, fromB64url, randomBytes, utf8 } from "./bytes.js";
import * as fernet from "./fernet.js";
import * as group from "./group.js";
import { ed25519Sign } from "./primitives.js";
import { signEnvelope } from "./envelope.js";
import { Verifier } from "./verifier.js";
import { membership } from "./membership.js";
import { names } from "./names.js";
import {
  PROTOCOL, WS_PATH, agreementKeyPayload, authPayload, canonicalOrigin, createRoomPayload, isDisplayName, isNote, isRelayID, joinPayload,
} from "./protocol.js";

const RETIRED_KEY_GRACE = 60;
const BACKOFF = [1, 2, 4, 8, 16, 30];
const b = (text) => fromB64url(text, "optional");

export class RoomSession {
  /**
   * `config`: { identity, name, server ("http(s)://host:port"), roomID | code, policy, keys
   * (raw 32-byte room keys, newest first), ownerPin (Uint8Array|null), resume ({ lastSeq,
   * counter, senders, groupEpoch, groupHead }), create ({ ttl, maxMembers }|null), known
   * (name → fingerprint, this room's first-seen identities), verified (Set of fingerprints) }.
   */
  constructor(config, onEvent, WebSocketImpl = globalThis.WebSocket) {
    this.config = config;
    this.emit = onEvent;
    this.WebSocket = WebSocketImpl;
    this.me = config.identity.signing.publicKey;
    this.roomID = config.roomID ?? null;
    this.policy = config.policy ?? (config.code ? "approval" : null);
    this.keys = (config.keys ?? []).slice();
    const resume = config.resume ?? {};
    // The page shows the room's history on every visit: the first join starts at 0, and what
    // was judged in an earlier visit (up to `seenThrough`) is judged again by a verifier of its
    // own, so the remembered counters still catch replays of anything newer.
    this.seenThrough = resume.lastSeq ?? 0;
    this.lastSeq = 0;
    this.counter = BigInt(resume.counter ?? 0);
    this.kept = resume.groupEpoch != null ? { epoch: BigInt(resume.groupEpoch), head: b(resume.groupHead) } : null;
    this.verifier = new Verifier(this.roomID ?? "", resume.senders ?? {});
    this.historyVerifier = new Verifier(this.roomID ?? "");
    this.known = { ...(config.known ?? {}) };
    this.people = new Map(); // signing key b64 → { name, agreementKey, online }
    this.people.set(b64url(this.me), { name: config.name, agreementKey: config.identity.agreement.publicKey, online: true, nameVersion: 0 });
    this.knocks = [];
    this.outbox = [];
    this.group = null;
    this.memberships = new Map();
    this.retired = new Map(); // key id hex → { seq, time }
    this.phase = "disconnected";
    this.received = new Set();
    this.attempt = 0;
    this.sentCommit = null;
    this.removing = null;
    this.code = null;
    this.closedByUs = false;
    this.needsCreate = !!config.create;
    this.queue = Promise.resolve();
    this.holdUntil = 0;
    this.paced = false;
  }

  // ---- connection ----

  start() {
    this.closedByUs = false;
    this.connect();
  }

  stop() {
    this.closedByUs = true;
    clearTimeout(this.timer);
    clearTimeout(this.sendTimer);
    this.ws?.close(1000);
    this.phase = "finished";
  }

  connect() {
    const url = new URL(WS_PATH, this.config.server);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    this.phase = "connecting";
    this.emit("connection", { state: "connecting" });
    const ws = new this.WebSocket(url.href);
    this.ws = ws;
    ws.onmessage = (m) => { this.queue = this.queue.then(() => this.receive(m.data)).catch((e) => this.problem(`internal error: ${e.message}`)); };
    ws.onclose = () => { if (this.ws === ws) this.closed(); };
    ws.onerror = () => {};
    for (const o of this.outbox) o.sentHere = false;
    this.sentCommit = null;
    this.claimingName = null;
    this.pacedSent = false;
    this.holdUntil = 0; // the relay's hold ends with the connection
  }

  closed() {
    if (this.phase === "finished" || this.closedByUs) return;
    this.phase = "disconnected";
    const delay = BACKOFF[Math.min(this.attempt, BACKOFF.length - 1)];
    this.attempt++;
    this.emit("connection", { state: "disconnected", retryIn: delay });
    this.timer = setTimeout(() => this.connect(), delay * 1000);
  }

  send(frame) {
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify(frame));
  }

  finish(reason, detail) {
    this.phase = "finished";
    this.emit("finished", { reason, detail });
    this.ws?.close(1000);
  }

  problem(text) { this.emit("problem", { text }); }

  // ---- frames ----

  async receive(data) {
    if (this.phase === "finished" || typeof data !== "string") return;
    let f;
    try { f = JSON.parse(data); } catch { return; }
    if (!f || typeof f !== "object" || typeof f.type !== "string") return;
    if (f.room_id !== undefined && this.roomID && f.room_id !== this.roomID && f.type !== "knocked") return;
    switch (f.type) {
      case "hello": return this.hello(f);
      case "authenticated": return this.emit("connection", { state: "authenticated" });
      case "room_created": return this.roomCreated(f);
      case "joined": return this.joined(f);
      case "roster": return this.roster(f);
      case "commit": return this.commitFrame(f);
      case "message": return this.message(f);
      case "synced": return this.synced(f);
      case "ack": return this.ack(f);
      case "knock": return this.knockNotice(f);
      case "knocked": return this.knocked(f);
      case "approved": return this.approved(f);
      case "denied": return this.finish("denied", isNote(f.reason) && f.reason !== "" ? f.reason : null);
      case "code":
        if (typeof f.code === "string" && /^[0-9]{6}$/.test(f.code)) { this.code = { code: f.code, expiresAt: f.expires_at }; this.emit("code", this.code); }
        return;
      case "removed": return this.finish("removed");
      case "left": return this.finish("left");
      case "event": return this.event(f);
      case "presence": {
        const p = this.people.get(f.member);
        if (p) { p.online = !!f.online; this.emit("roster", this.rosterView()); }
        return;
      }
      case "error": return this.error(f);
      case "bye": return this.emit("connection", { state: "relay shutting down" });
      default: return;
    }
  }

  async hello(h) {
    if (this.phase !== "connecting") return;
    const challenge = b(h.challenge);
    if (!isRelayID(h.relay) || !challenge || challenge.length !== 32) return this.finish("unreachable", "the relay's hello is malformed");
    this.challenge = challenge;
    this.limits = h.limits ?? {};
    const origin = canonicalOrigin(this.config.server);
    const id = this.config.identity;
    const signature = await ed25519Sign(id.signing.privateKey, authPayload(challenge, h.relay, origin));
    this.send({ type: "auth", signing_key: b64url(this.me), agreement_key: b64url(id.agreement.publicKey), name: this.config.name, signature: b64url(signature), protocol: PROTOCOL });
    if (this.needsCreate) return this.createRoom();
    return this.enterRoom();
  }

  async createRoom() {
    const { ttl, maxMembers } = this.config.create;
    const lim = this.limits;
    const ttlSeconds = Math.min(ttl ?? lim.default_ttl_seconds ?? 86400, lim.max_ttl_seconds ?? ttl);
    const members = Math.min(maxMembers ?? lim.members_per_room ?? 50, lim.members_per_room ?? 50);
    const key = this.keys[0];
    const access = this.policy === "open" ? (await group.accessKeyPair(this.roomID, key)).publicKey : null;
    const signature = await ed25519Sign(this.config.identity.signing.privateKey, createRoomPayload(this.roomID, this.policy, ttlSeconds, members, access));
    const commit = await group.buildCreate(this.roomID, this.policy, key, this.config.identity);
    const frame = { type: "create_room", room_id: this.roomID, policy: this.policy, ttl_seconds: ttlSeconds, max_members: members, commit: b64url(group.commitBytes(commit)), signature: b64url(signature) };
    if (access) frame.access_key = b64url(access);
    this.phase = "creating";
    this.send(frame);
  }

  roomCreated(f) {
    if (this.phase !== "creating" || f.room_id !== this.roomID) return;
    this.needsCreate = false;
    this.emit("created", { roomID: this.roomID, expiresAt: f.expires_at });
    return this.enterRoom();
  }

  async enterRoom() {
    if (!this.roomID) {
      this.phase = "knocking";
      this.send({ type: "knock", code: this.config.code, name: this.config.name, binding: await this.binding() });
      return this.emit("knocking", { code: this.config.code });
    }
    if (this.policy === "approval" && this.keys.length === 0) {
      this.phase = "knocking";
      this.send({ type: "knock", room_id: this.roomID, name: this.config.name, binding: await this.binding() });
      return this.emit("knocking", { roomID: this.roomID });
    }
    this.phase = "joining";
    const frame = { type: "join", room_id: this.roomID, after_seq: this.lastSeq };
    if (this.policy === "open" && this.keys.length) {
      const access = await group.accessKeyPair(this.roomID, this.keys[0]);
      frame.proof = b64url(await ed25519Sign(access.privateKey, joinPayload(this.challenge, this.me)));
    }
    this.send(frame);
  }

  async binding() {
    const id = this.config.identity;
    return b64url(await ed25519Sign(id.signing.privateKey, agreementKeyPayload(id.agreement.publicKey)));
  }

  joined(f) {
    if (this.phase !== "joining") return;
    this.phase = "syncing";
    if (!this.joinedOnce) {
      this.joinedOnce = true;
      this.lastSeq = Math.min(this.lastSeq, Number(f.last_seq) || 0);
      this.historyThrough = Number(f.last_seq) || 0;
    }
    this.role = f.role;
    this.emit("joined", { roomID: this.roomID, role: f.role, policy: f.policy, expiresAt: f.expires_at });
  }

  async roster(f) {
    if (!Array.isArray(f.members)) return;
    for (const m of f.members) {
      if (!m || typeof m.member !== "string") continue;
      await this.rosterName(m);
      this.person(m.member).online = !!m.online;
    }
    this.emit("roster", this.rosterView());
  }

  receiveSeq(seq) {
    if (!Number.isSafeInteger(seq) || seq <= this.lastSeq || this.received.has(seq)) return false;
    this.received.add(seq);
    while (this.received.delete(this.lastSeq + 1)) this.lastSeq++;
    return true;
  }

  async keyWithID(id) {
    for (const k of this.keys) if (equal(await group.keyID(this.roomID, k), id)) return k;
    return null;
  }

  async sendingKey() {
    const g = this.group;
    if (!g || !group.isMember(g, this.me) || g.stale || this.removing) return null;
    return this.keyWithID(g.keyID);
  }

  async synced(f) {
    if (this.phase !== "syncing") return;
    if (!this.group) return this.finish("untrusted relay", "the relay sent no group state for the room");
    if (this.kept && (this.group.epoch < this.kept.epoch || (this.group.epoch === this.kept.epoch && !equal(this.group.head, this.kept.head)))) {
      return this.finish("untrusted relay", `the relay showed an older or another group state than this browser kept (epoch ${this.kept.epoch})`);
    }
    this.phase = "live";
    this.historyThrough = -1;
    this.attempt = 0;
    this.emit("connection", { state: "live" });
    await this.groupDuties();
    await this.transmit();
    this.emit("resume", this.resumeState());
  }

  // ---- messages ----

  /** Queues `text`; it is sealed once and sent (again after reconnects) until acknowledged. */
  async sendText(text) {
    const clientID = b64url(randomBytes(16));
    this.outbox.push({ clientID, text, token: null, sentHere: false });
    this.emit("queued", { clientID, text });
    await this.transmit();
    return clientID;
  }

  async transmit() {
    if (this.phase !== "live" || Date.now() < this.holdUntil) return;
    const key = await this.sendingKey();
    for (const o of this.outbox) {
      if (o.sentHere) continue;
      if (this.paced && this.pacedSent) {
        // After a refusal: one message per 1 / messages_per_second, until nothing waits.
        this.later(() => { this.pacedSent = false; return this.transmit(); }, this.sendInterval());
        return;
      }
      if (!o.token) {
        if (!key) break;
        const counter = (this.counter > this.verifier.highestOf(this.me) ? this.counter : this.verifier.highestOf(this.me)) + 1n;
        const now = Math.floor(Date.now() / 1000);
        const env = await signEnvelope({ sender: this.me, roomID: this.roomID, counter, time: BigInt(now), body: utf8(o.text) }, this.config.identity.signing.privateKey);
        o.token = await fernet.encrypt(key, env, now);
        o.counter = counter;
        o.time = now;
        this.counter = counter;
      }
      o.sentHere = true;
      if (this.paced) this.pacedSent = true;
      this.send({ type: "send", room_id: this.roomID, client_id: o.clientID, ciphertext: o.token });
    }
    if (this.paced && !this.outbox.some((o) => !o.sentHere)) this.paced = this.pacedSent = false;
  }

  /** Milliseconds between sends while paced: 1 / hello.limits.messages_per_second (1–1000/s). */
  sendInterval() {
    const rate = Number(this.limits?.messages_per_second);
    return Number.isFinite(rate) && rate >= 1 ? Math.ceil(1000 / Math.min(rate, 1000)) : 1000;
  }

  /** Runs `f` after `ms` in the session's frame order (one pending run at a time). */
  later(f, ms) {
    clearTimeout(this.sendTimer);
    this.sendTimer = setTimeout(() => { this.queue = this.queue.then(f).catch((e) => this.problem(`internal error: ${e.message}`)); }, ms);
  }

  /**
   * A `send` refused with `rate_limited`: the relay holds every later send of this connection
   * until the refused one comes again, so that one and everything after it go again, in order,
   * after `retry_after_ms` (docs/protocol.md, "A sender's order is kept across refusals").
   */
  rateLimited(f) {
    const i = this.outbox.findIndex((o) => o.clientID === f.client_id);
    if (i < 0) return false;
    for (const o of this.outbox.slice(i)) o.sentHere = false;
    this.paced = true;
    if (Date.now() < this.holdUntil) return true; // a later send held back behind the refused one
    const asked = Number.isSafeInteger(f.retry_after_ms) ? Math.min(Math.max(f.retry_after_ms, 0), 3600000) : 0;
    const ms = Math.max(asked, this.sendInterval());
    this.holdUntil = Date.now() + ms;
    this.pacedSent = false;
    this.emit("held", { retryIn: ms, waiting: this.outbox.length - i });
    this.later(() => this.transmit(), ms);
    return true;
  }

  ack(f) {
    const i = this.outbox.findIndex((o) => o.clientID === f.client_id);
    if (i < 0) return;
    const [o] = this.outbox.splice(i, 1);
    this.receiveSeq(Number(f.seq));
    this.emit("sent", { clientID: o.clientID, seq: f.seq, time: o.time, text: o.text, sender: this.selfView() });
    this.emit("resume", this.resumeState());
  }

  async acceptableKeys(seq, time) {
    const known = new Set((this.group?.keyHistory ?? []).map((k) => b64url(k.id)));
    const out = [];
    for (const k of this.keys) {
      const id = b64url(await group.keyID(this.roomID, k));
      if (this.group && !known.has(id)) continue;
      const r = this.retired.get(id);
      if (r && !(seq < r.seq || time <= r.time + RETIRED_KEY_GRACE)) continue;
      out.push(k);
    }
    return out;
  }

  wasMember(sender, seq) {
    const list = this.memberships.get(b64url(sender));
    return !!list?.some((m) => m.from <= seq && (m.to === null || seq < m.to));
  }

  async message(f) {
    const seq = Number(f.seq);
    if (!this.group || (this.phase !== "syncing" && this.phase !== "live") || !this.receiveSeq(seq)) return;
    const sender = b(f.sender);
    if (!sender || typeof f.ciphertext !== "string") return;
    if (equal(sender, this.me)) {
      const i = this.outbox.findIndex((o) => o.clientID === f.client_id && o.token === f.ciphertext);
      if (i >= 0) {
        const [o] = this.outbox.splice(i, 1);
        await this.verifier.judge(this.keys, f.ciphertext, sender);
        return this.emit("sent", { clientID: o.clientID, seq, time: o.time, text: o.text, sender: this.selfView() });
      }
    }
    const history = seq <= (this.historyThrough ?? -1);
    const allowed = await this.acceptableKeys(seq, Number(f.time));
    const verifier = seq <= this.seenThrough ? this.historyVerifier : this.verifier;
    let { verdict, envelope } = await verifier.judge(allowed, f.ciphertext, sender);
    if (verdict === "undecryptable" && allowed.length < this.keys.length) {
      const probe = new Verifier(this.roomID, verifier.toJSON());
      if ((await probe.judge(this.keys, f.ciphertext, sender)).verdict !== "undecryptable") verdict = "retired_key";
    }
    if (verdict === "valid" && !this.wasMember(envelope.sender, seq)) verdict = "not_member";
    if (verdict === "valid" && equal(envelope.sender, this.me) && envelope.counter > this.counter) this.counter = envelope.counter;
    const who = this.view(sender);
    if (verdict === "valid") {
      this.emit("message", { seq, time: Number(envelope.time), sender: who, text: new TextDecoder().decode(envelope.body), history });
    } else {
      this.emit("rejected", { seq, time: Number(f.time), sender: who, verdict, history });
    }
    this.emit("resume", this.resumeState());
  }

  error(f) {
    const code = typeof f.code === "string" && /^[a-z_]{1,40}$/.test(f.code) ? f.code : "error";
    // The relay's words are shown only within the protocol's limits; otherwise its code alone.
    const message = isNote(f.message) && f.message !== "" ? f.message : code;
    if (code === "bad_commit" && this.sentCommit) {
      this.sentCommit = null;
      this.problem(`the relay refused a change to the room (${message}); trying again`);
      setTimeout(() => { this.groupDuties(); }, 2000);
      return;
    }
    if (code === "rate_limited" && typeof f.client_id === "string" && this.rateLimited(f)) return;
    if (code === "unknown_type" && this.claimingName) { this.claimingName = null; return; } // a relay without signed names
    if (code === "stale_name") {
      this.claimingName = null;
      return this.problem("the relay holds a newer name for you than the one just signed (is another device's clock ahead?)");
    }
    if (code === "slow_reader") return this.emit("connection", { state: "cut off: this page read too slowly" });
    if (["removed", "room_not_found", "room_expired", "bad_proof", "bad_code", "not_member", "knock_timeout", "room_exists", "bad_signature", "unsupported_version"].includes(code)
      && ["joining", "knocking", "creating", "connecting"].includes(this.phase)) {
      return this.finish(code, message);
    }
    this.problem(`the relay says: ${message}`);
  }

  // ---- views ----

  nameOf(key) { return this.people.get(b64url(key))?.name ?? "unknown"; }

  view(key) {
    const p = this.people.get(b64url(key));
    return { signingKey: key, name: p?.name ?? "unknown", self: equal(key, this.me) };
  }

  selfView() { return this.view(this.me); }

  rosterView() {
    const members = this.group?.members ?? [];
    return members.map((m) => {
      const p = this.people.get(b64url(m.signingKey)) ?? {};
      return { signingKey: m.signingKey, agreementKey: m.agreementKey, name: p.name ?? "unknown", online: !!p.online || equal(m.signingKey, this.me),
        owner: equal(m.signingKey, this.group.owner), self: equal(m.signingKey, this.me) };
    });
  }

  resumeState() {
    return {
      lastSeq: Math.max(this.lastSeq, this.seenThrough), counter: this.counter.toString(), senders: this.verifier.toJSON(),
      groupEpoch: this.group ? this.group.epoch.toString() : this.kept?.epoch?.toString() ?? null,
      groupHead: this.group ? b64url(this.group.head) : this.kept ? b64url(this.kept.head) : null,
    };
  }
}

// Commits, knocks and membership events (membership.js).
Object.assign(RoomSession.prototype, membership);
// Signed names (names.js).
Object.assign(RoomSession.prototype, names);
