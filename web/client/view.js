// The page's building blocks: elements with text children only (strings become text nodes,
// never markup), times, and the sentences for notices and message verdicts.

/** An element with text children only: strings become text nodes, never markup. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "onclick") e.addEventListener("click", v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** HH:MM of Unix seconds `t`; `--:--` for a time past 9999-12-31 (formats.md, "Message envelope"). */
export function timeText(t) {
  if (!Number.isFinite(t) || t < 0 || t > 253402300799) return "--:--";
  const d = new Date(t * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** What each membership notice says. */
export const NOTICE_TEXT = {
  join: (d) => `${d.member} joined${d.fingerprint ? ` (fingerprint ${d.fingerprint})` : ""}`,
  approve: (d) => `${d.by} let ${d.member} in${d.fingerprint ? ` (fingerprint ${d.fingerprint})` : ""}`,
  name: (d) => `${d.member} is now called ${d.detail}`, remove: (d) => `${d.by} removed ${d.member}; the room key changed`,
  leave: (d) => `${d.member} left`, rotate: (d) => `${d.by} changed the room key`, knock: (d) => `${d.member} is knocking${d.detail ? `: ${d.detail}` : ""}`,
  deny: (d) => `${d.member ?? "a knocker"} was turned away`, withdraw: (d) => `${d.member ?? "a knocker"} stopped knocking`,
  knock_expired: (d) => `${d.member ?? "a knock"}'s knock expired`, approved: (d) => (d.by && d.by !== "unknown" ? `${d.by} let you in` : "You were let in"),
  key_change: (d) => `Warning: ${d.detail}. Compare safety numbers before you trust this member.`,
  lookalike: (d) => `Warning: the name ${d.member} looks like ${d.detail}, who has another key. Compare safety numbers before you trust this member.`,
};

/** Why a message is not shown, by verdict (formats.md, "Checks on receipt"). */
export const VERDICT_TEXT = {
  undecryptable: "could not be decrypted with any key of this room", malformed: "is not a valid message", forged: "has a signature that does not verify (forged)",
  wrong_room: "was written for another room (replayed)", replayed: "was delivered again (replayed)", out_of_order: "arrived out of order (replayed)",
  retired_key: "was sent under a retired room key", not_member: "is from someone who was not a member at that point",
};
