// The page: identity, room list, create and join, and one open room at a time. Everything a
// person or a relay wrote reaches the page through `textContent` (`el` in view.js), never
// as markup. The room key is read from the link's fragment, which is then removed from the
// address bar and the session history.

import * as store from "./store.js";
import { b64url, fromB64url, randomBytes } from "./bytes.js";
import { MAX_IDENTITY_FILE, generateIdentity, fingerprint, identityFromSecret, readIdentityFile, recipientText, safetyNumber, writeIdentityFile } from "./identity.js";
import { parseInvite, formatInvite } from "./invite.js";
import { isDisplayName, isJoinCode } from "./protocol.js";
import { keyText, parseKey } from "./fernet.js";
import { RoomSession } from "./session.js";
import { rosterLookalikes } from "./membership.js";
import { NOTICE_TEXT, VERDICT_TEXT, el, timeText } from "./view.js";

const $ = (id) => document.getElementById(id);

const state = { identity: null, me: null, name: "", verified: new Set(), session: null, record: null, codeTimer: null };

function banner(text, error = false) {
  const b = $("banner");
  b.textContent = text ?? "";
  b.hidden = !text;
  b.classList.toggle("error", error);
}

// ---- identity ----

async function loadIdentity() {
  let rec = await store.getIdentity();
  if (!rec) {
    // Exportable (docs/web-client.md): the X25519 key is the whole identity, and only a key that
    // can be read back out can be written to an identity file.
    const id = await generateIdentity({ exportable: true });
    rec = { signingPrivate: id.signing.privateKey, signingPublic: id.signing.publicKey, agreementPrivate: id.agreement.privateKey, agreementPublic: id.agreement.publicKey };
    await store.putIdentity(rec);
  }
  state.identity = {
    signing: { privateKey: rec.signingPrivate, publicKey: new Uint8Array(rec.signingPublic) },
    agreement: { privateKey: rec.agreementPrivate, publicKey: new Uint8Array(rec.agreementPublic) },
  };
  state.me = { signingKey: state.identity.signing.publicKey, agreementKey: state.identity.agreement.publicKey };
  const fp = await fingerprint(state.me.agreementKey, state.me.signingKey);
  state.name = (await store.getSetting("name")) ?? `guest-${fp.slice(0, 4)}`;
  state.verified = new Set((await store.getSetting("verified")) ?? []);
  $("my-name").value = state.name;
  $("my-name").addEventListener("change", async () => {
    const v = $("my-name").value.trim();
    if (!isDisplayName(v)) { banner("A name is 1 to 64 characters without control characters.", true); $("my-name").value = state.name; return; }
    state.name = v;
    await store.putSetting("name", v);
    banner("Your new name is used the next time you open a room.");
  });
  // Shown last: once the fingerprint is on the page, a name typed into the field is kept (before,
  // the stored name could overwrite it, and a change could come before its listener).
  $("my-fingerprint").textContent = fp;
  $("my-recipient").textContent = recipientText(state.me.agreementKey);
}

function identityStatus(text, error = false) {
  const s = $("identity-status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

/** Lets the page paint a status line before a long computation (scrypt) holds the thread. */
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * Makes the identity of an identity file (as `securechat keygen` writes it, with or without
 * `--passphrase`) this browser's.
 */
async function importIdentity(event) {
  event.preventDefault();
  const file = $("identity-file").files?.[0];
  const passphrase = $("import-passphrase").value;
  if (!file) return identityStatus("Choose an identity file first.", true);
  if (file.size > MAX_IDENTITY_FILE) return identityStatus(`That identity file cannot be used: it is larger than ${MAX_IDENTITY_FILE / 1024} KiB.`, true);
  let secret;
  try {
    identityStatus(passphrase ? "Unlocking the identity file…" : "Reading the identity file…");
    await nextFrame();
    secret = await readIdentityFile(new Uint8Array(await file.arrayBuffer()), passphrase);
  } catch (e) {
    return identityStatus(`That identity file cannot be used: ${e.message}.`, true);
  }
  $("import-passphrase").value = "";
  if (!confirm("Use this identity in this browser from now on? Rooms joined with the current one will need it again.")) {
    secret.fill(0);
    return identityStatus("");
  }
  const id = await identityFromSecret(secret, { exportable: true });
  secret.fill(0);
  await store.putIdentity({ signingPrivate: id.signing.privateKey, signingPublic: id.signing.publicKey, agreementPrivate: id.agreement.privateKey, agreementPublic: id.agreement.publicKey });
  location.reload();
}

/** Downloads this browser's identity as a passphrase-protected identity file. */
async function exportIdentity(event) {
  event.preventDefault();
  const passphrase = $("export-passphrase").value;
  if (!passphrase) return identityStatus("Choose a passphrase for the file.", true);
  if (passphrase !== $("export-passphrase-again").value) return identityStatus("The two passphrases differ.", true);
  if (!state.identity.agreement.privateKey.extractable) {
    return identityStatus("This identity was made by an earlier version of this page, which kept its key unreadable, so it cannot be written to a file. Import an identity file to replace it.", true);
  }
  identityStatus("Protecting the identity with your passphrase…");
  await nextFrame();
  let bytes;
  try {
    bytes = await writeIdentityFile(state.identity.agreement.privateKey, passphrase);
  } catch (e) {
    return identityStatus(`The identity could not be exported: ${e.message}.`, true);
  }
  $("export-passphrase").value = $("export-passphrase-again").value = "";
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
  const link = el("a", { href: url, download: "securechat-identity.age", hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  identityStatus("Saved securechat-identity.age: 'securechat connect -i FILE' uses it (it asks for the passphrase), and this page imports it.");
}

// ---- home ----

async function showHome() {
  stopSession();
  $("room").hidden = true;
  $("home").hidden = false;
  document.title = "securechat";
  const rooms = (await store.allRooms()).filter((r) => r.roomID);
  const list = $("room-list");
  list.replaceChildren(...rooms.map((r) => el("li", {}, el("a", { href: `/join/${r.roomID}` }, r.name || `Room ${r.roomID.slice(0, 8)}`), " ",
    el("span", { class: "muted" }, r.policy === "open" ? "open" : "approval"))));
  $("no-rooms").hidden = rooms.length > 0;
}

async function createRoom(event) {
  event.preventDefault();
  const policy = document.querySelector("input[name=policy]:checked").value;
  const ttl = Number($("create-ttl").value);
  const name = $("create-name").value.trim().slice(0, 100);
  // Like the CLI's ids, never starting with "-" (a command line would read it as options).
  let roomID;
  do roomID = b64url(randomBytes(16)); while (roomID.startsWith("-"));
  const record = {
    roomID, server: location.origin, policy, name, ownerPin: b64url(state.me.signingKey), keys: [keyText(randomBytes(32))],
    resume: null, known: {}, create: { ttl }, owner: true,
  };
  await store.putRoom(record);
  history.pushState(null, "", `/join/${roomID}`);
  openRoom(record);
}

async function joinFromInput(event) {
  event.preventDefault();
  const text = $("join-input").value.trim();
  if (isJoinCode(text)) {
    history.pushState(null, "", "/");
    return openRoom({ roomID: null, code: text, server: location.origin, policy: "approval", name: "", ownerPin: null, keys: [], resume: null, known: {} });
  }
  try {
    const invite = parseInvite(text);
    if (invite.server !== location.origin) { location.assign(text); return; }
    await enterInvite(invite);
  } catch (e) {
    banner(`That is not an invite link or a 6-digit code: ${e.message}.`, true);
  }
}

async function enterInvite(invite) {
  let record = await store.getRoom(invite.roomID);
  const key = invite.key ? keyText(invite.key) : null;
  let note = null;
  if (!record) {
    record = { roomID: invite.roomID, server: location.origin, policy: invite.key ? "open" : "approval", name: "",
      ownerPin: invite.owner ? b64url(invite.owner) : null, keys: key ? [key] : [], resume: null, known: {} };
    await store.putRoom(record);
  } else if (invite.owner && record.ownerPin && b64url(invite.owner) !== record.ownerPin) {
    // Like the CLI, never take a link's word over a kept room's owner.
    note = ["This link names another owner for a room this browser already keeps; the kept room is opened as it was.", true];
  } else if (key && !record.keys.includes(key)) {
    record.keys.push(key);
    await store.putRoom(record);
  }
  if (!note && !invite.owner && !record.ownerPin) note = ["This link names no owner: the room's founder is trusted on first use.", false];
  history.replaceState(null, "", `/join/${invite.roomID}`);
  openRoom(record);
  if (note) banner(...note);
}

// ---- a room ----

function stopSession() {
  state.session?.stop();
  state.session = null;
  clearInterval(state.codeTimer);
}

let saveTimer = null;
function save() {
  clearTimeout(saveTimer);
  const r = state.record;
  if (!r?.roomID) return;
  saveTimer = setTimeout(() => store.putRoom(r).catch((e) => banner(`This room was not saved: ${e.message}`, true)), 200);
}

function openRoom(record) {
  stopSession();
  banner(null);
  state.record = record;
  $("home").hidden = true;
  $("room").hidden = false;
  $("messages").replaceChildren();
  $("roster").replaceChildren();
  $("knocks").replaceChildren();
  $("knock-panel").hidden = true;
  $("join-code-box").hidden = true;
  $("leave-button").hidden = true;
  setTitle();
  renderInvite();
  const session = new RoomSession({
    identity: state.identity, name: state.name, server: record.server, roomID: record.roomID, code: record.code ?? null,
    policy: record.policy, keys: record.keys.map(parseKey), ownerPin: record.ownerPin ? fromB64url(record.ownerPin) : null,
    resume: record.resume ?? {}, create: record.create ?? null, known: record.known ?? {},
  }, (type, detail) => onEvent(session, type, detail));
  state.session = session;
  session.start();
  $("message-input").focus();
}

function setTitle() {
  const r = state.record;
  const title = r.name || (r.roomID ? `Room ${r.roomID.slice(0, 8)}` : `Knocking with code ${r.code}`);
  $("room-title").textContent = title;
  document.title = `${title} · securechat`;
}

function renderInvite() {
  const r = state.record;
  const box = $("invite");
  if (!r.roomID || !r.ownerPin || (r.policy === "open" && !r.keys.length)) { box.hidden = true; return; }
  box.hidden = false;
  const link = formatInvite({ server: r.server, roomID: r.roomID, owner: fromB64url(r.ownerPin), key: r.policy === "open" ? parseKey(r.keys[0]) : null });
  $("invite-link").value = link;
  $("invite-note").textContent = r.policy === "open"
    ? "This link holds the room key: whoever has it can read the room. Share it like a password."
    : "This link holds no key: people who open it knock, and a member lets them in.";
  if (r.owner && !box.dataset.shown) { box.open = true; box.dataset.shown = "1"; }
  drawQR(link);
}

/** The invite as a QR code drawn on the canvas, by the relay's copy of qrcode-generator if any. */
function drawQR(link) {
  const canvas = $("qr");
  if (typeof globalThis.qrcode !== "function") { canvas.hidden = true; $("qr-missing").hidden = false; return; }
  const qr = globalThis.qrcode(0, "M");
  qr.addData(link, "Byte");
  qr.make();
  const n = qr.getModuleCount(), quiet = 4, scale = Math.max(3, Math.floor(320 / (n + 2 * quiet)));
  canvas.width = canvas.height = (n + 2 * quiet) * scale;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#000";
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) ctx.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
  canvas.hidden = false;
  $("qr-missing").hidden = true;
}

function addLine(li) {
  const list = $("messages");
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
  list.append(li);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function messageLine(d, extra = {}) {
  const fp = state.knownFp?.get(b64url(d.sender.signingKey));
  // As the CLI marks every line of a look-alike, not only its roster entry.
  const [alike] = rosterLookalikes([{ name: d.sender.name, fingerprint: fp, self: d.sender.self }], state.session?.known ?? {});
  return el("li", { class: extra.pending ? "message pending" : "message", "data-client-id": extra.clientID, "data-seq": d.seq },
    el("span", { class: "meta" }, timeText(d.time)),
    el("span", { class: "who" }, d.sender.name, d.sender.self ? " (you)" : null),
    fp && state.verified.has(fp) ? el("span", { class: "badge verified" }, "verified") : null,
    alike ? el("span", { class: "badge lookalike" }, `looks like ${alike}: another key!`) : null,
    el("span", { class: "text" }, d.text));
}

async function onEvent(session, type, d) {
  if (session !== state.session) return;
  const r = state.record;
  switch (type) {
    case "connection": {
      const s = $("conn-state");
      const text = { connecting: "connecting…", authenticated: "signed in", live: "connected", disconnected: `disconnected, retrying in ${d.retryIn} s` }[d.state] ?? d.state;
      s.textContent = text;
      s.className = `state ${d.state === "live" ? "live" : d.state === "disconnected" ? "down" : ""}`;
      break;
    }
    case "created": r.create = null; save(); renderInvite(); break;
    case "room-id": {
      // A join code answered with a room this browser already keeps: the kept record (its
      // owner pin and keys) stands, and nothing the relay said about the room is adopted.
      const kept = await store.getRoom(d.roomID);
      if (session !== state.session) return;
      if (kept) {
        openRoom(kept);
        banner("That join code named a room this browser already keeps; it was opened as kept, with its own owner and keys.");
        break;
      }
      r.roomID = d.roomID; r.code = null;
      await store.putRoom(r);
      history.replaceState(null, "", `/join/${d.roomID}`);
      setTitle();
      break;
    }
    case "knocking": $("conn-state").textContent = "knocking…"; break;
    case "waiting": addLine(el("li", { class: "notice" }, "Waiting for a member to let you in…")); break;
    case "joined":
      $("leave-button").hidden = d.role === "owner";
      break;
    case "keys": r.keys = d.keys.map(keyText); save(); renderInvite(); break;
    case "owner-pinned": r.ownerPin = d.owner; save(); renderInvite(); break;
    case "known": r.known = d.known; save(); await renderRoster(session, session.rosterView()); break;
    case "resume": r.resume = d; save(); break;
    case "code": showCode(d); break;
    case "roster": await renderRoster(session, d); break;
    case "knocks": renderKnocks(session, d); break;
    case "queued": addLine(messageLine({ sender: session.selfView(), time: Math.floor(Date.now() / 1000), text: d.text }, { pending: true, clientID: d.clientID })); break;
    case "sent": {
      const li = document.querySelector(`li[data-client-id="${CSS.escape(d.clientID)}"]`);
      if (li) { li.classList.remove("pending"); li.dataset.seq = d.seq; } else addLine(messageLine(d));
      break;
    }
    case "message": addLine(messageLine(d)); break;
    case "rejected":
      addLine(el("li", { class: "warning" }, el("span", { class: "meta" }, timeText(d.time)),
        `A message the relay says is from ${d.sender.name} ${VERDICT_TEXT[d.verdict] ?? d.verdict}; it is not shown.`));
      break;
    case "notice": {
      const f = NOTICE_TEXT[d.kind];
      if (!f) break;
      addLine(el("li", { class: d.kind === "key_change" || d.kind === "lookalike" ? "warning" : "notice" }, d.time ? el("span", { class: "meta" }, timeText(d.time)) : null, f(d)));
      break;
    }
    case "problem": addLine(el("li", { class: "warning" }, d.text)); break;
    case "finished": {
      const why = { removed: "You were removed from this room.", left: "You left this room.", denied: `You were not let in${d.detail ? `: ${d.detail}` : "."}`,
        expired: "This room has expired." }[d.reason] ?? `The room cannot be used: ${d.detail ?? d.reason}.`;
      banner(why, true);
      $("conn-state").textContent = "closed";
      $("conn-state").className = "state down";
      break;
    }
  }
}

function showCode(d) {
  $("join-code-box").hidden = false;
  $("join-code").textContent = d.code;
  clearInterval(state.codeTimer);
  const tick = () => {
    const left = Math.max(0, Number(d.expiresAt) - Math.floor(Date.now() / 1000));
    $("join-code-timer").textContent = `(changes in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")})`;
  };
  tick();
  state.codeTimer = setInterval(tick, 1000);
}

async function renderRoster(session, members) {
  state.knownFp = new Map();
  const amOwner = members.some((m) => m.self && m.owner);
  const fps = [];
  for (const m of members) fps.push(await fingerprint(m.agreementKey, m.signingKey));
  const alike = rosterLookalikes(members.map((m, i) => ({ ...m, fingerprint: fps[i] })), session.known);
  const items = [];
  for (const [i, m] of members.entries()) {
    const fp = fps[i];
    state.knownFp.set(b64url(m.signingKey), fp);
    const safety = el("p", { class: "safety", hidden: true });
    const verifiedNow = state.verified.has(fp);
    const toggle = el("button", { type: "button", class: "verify" }, verifiedNow ? "Unmark verified" : "Mark verified");
    toggle.addEventListener("click", async () => {
      if (state.verified.has(fp)) state.verified.delete(fp); else state.verified.add(fp);
      await store.putSetting("verified", [...state.verified]);
      renderRoster(session, session.rosterView());
    });
    const li = el("li", { class: m.online ? "online" : "offline", "data-member": b64url(m.signingKey) },
      el("strong", { class: "name" }, m.name), m.self ? " (you)" : null, m.owner ? el("span", { class: "badge" }, "owner") : null,
      verifiedNow ? el("span", { class: "badge verified" }, "verified") : null,
      alike[i] ? el("span", { class: "badge lookalike" }, `looks like ${alike[i]}: another key!`) : null,
      el("div", {}, el("code", { class: "fingerprint" }, fp)));
    if (!m.self) {
      li.append(el("button", { type: "button", class: "show-safety", onclick: async () => {
        safety.textContent = `Safety number: ${await safetyNumber(state.me, m)}`;
        safety.hidden = !safety.hidden;
      } }, "Safety number"), toggle);
      if (amOwner) li.append(el("button", { type: "button", class: "remove", onclick: () => session.remove(m.signingKey) }, "Remove"));
      li.append(safety);
    }
    items.push(li);
  }
  $("roster").replaceChildren(...items);
}

function renderKnocks(session, knocks) {
  $("knock-panel").hidden = knocks.length === 0;
  $("knocks").replaceChildren(...knocks.map((k) => el("li", { "data-knock": k.knockID },
    el("strong", { class: "name" }, k.name), " ", el("code", {}, k.fingerprint), k.note ? el("div", { class: "note" }, k.note) : null,
    el("button", { type: "button", class: "approve", onclick: () => session.approve(k.knockID) }, "Let in"),
    el("button", { type: "button", class: "deny", onclick: () => session.deny(k.knockID) }, "Turn away"))));
}

// ---- start ----

async function route() {
  const m = /^\/join\/([A-Za-z0-9_-]{1,64})$/.exec(location.pathname);
  if (!m) return showHome();
  if (location.hash) {
    const href = location.href;
    // The key must not stay in the address bar or the session history.
    history.replaceState(null, "", location.pathname);
    try {
      return await enterInvite(parseInvite(href));
    } catch (e) {
      await showHome();
      return banner(`This invite link is not valid: ${e.message}.`, true);
    }
  }
  const record = await store.getRoom(m[1]);
  if (record) return openRoom(record);
  await showHome();
  banner("This address lacks the part of the invite after #. Paste the whole invite link below.", true);
}

async function main() {
  if (!globalThis.crypto?.subtle) {
    banner("This page needs a secure context (https://, or http://127.0.0.1): the browser offers no WebCrypto here.", true);
    return;
  }
  try {
    await loadIdentity();
  } catch (e) {
    banner(`This browser cannot keep a securechat identity (Ed25519 and X25519 in WebCrypto, IndexedDB): ${e.message}`, true);
    return;
  }
  $("create-form").addEventListener("submit", createRoom);
  $("import-form").addEventListener("submit", importIdentity);
  $("export-form").addEventListener("submit", exportIdentity);
  $("join-form").addEventListener("submit", joinFromInput);
  $("send-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("message-input").value;
    if (!text.trim() || !state.session) return;
    $("message-input").value = "";
    const rename = /^\/name\s+(.+)$/su.exec(text.trim());
    if (rename) await state.session.setName(rename[1].trim());
    else await state.session.sendText(text);
  });
  $("message-input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("send-form").requestSubmit(); }
  });
  $("copy-invite").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText($("invite-link").value); $("copy-invite").textContent = "Copied"; } catch { $("invite-link").select(); }
  });
  $("leave-button").addEventListener("click", () => state.session?.leave());
  $("forget-button").addEventListener("click", async () => {
    if (state.record?.roomID) await store.deleteRoom(state.record.roomID);
    history.pushState(null, "", "/");
    showHome();
  });
  $("back").addEventListener("click", (e) => { e.preventDefault(); history.pushState(null, "", "/"); showHome(); });
  window.addEventListener("popstate", route);
  await route();
}

main();
