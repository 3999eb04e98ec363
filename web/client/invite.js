// Invite links, version 2 (docs/invite.md):
//   http(s)://HOST[:PORT]/join/ROOM_ID#v=2&o=OWNER&k=KEY
// The checks run in the document's order and fail with its error names, as the CLI's reader.

import { b64url, fromB64url } from "./bytes.js";
import { isValidEd25519 } from "./primitives.js";

export class InviteError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}
const fail = (code, message) => { throw new InviteError(code, message); };

/** A room id of an invite: 22 characters of canonical unpadded base64url (16 bytes). */
export function isInviteRoomID(s) {
  if (typeof s !== "string" || !/^[A-Za-z0-9_-]{22}$/.test(s)) return false;
  const raw = fromB64url(s, "forbidden");
  return !!raw && raw.length === 16;
}

/**
 * `{ server: "http(s)://host[:port]", roomID, owner: Uint8Array|null, key: Uint8Array|null, version }`,
 * or an `InviteError` whose `code` is the document's name for the first check that fails.
 */
export function parseInvite(text) {
  if (typeof text !== "string" || text.length === 0) fail("empty", "the link is empty");
  if (!/^[\x21-\x7e]+$/.test(text)) fail("invalidCharacter", "the link has a character that is not printable ASCII");
  const scheme = /^(https?):\/\//.exec(text);
  if (!scheme) fail("unsupportedScheme", "the link does not start with http:// or https://");
  const rest = text.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  let after = end < 0 ? "" : rest.slice(end);
  let host = authority, port = null;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(authority);
  if (v6) {
    if (!v6[1].includes(":")) fail("invalidHost", "the link's host is not valid");
    host = `[${v6[1]}]`;
    port = v6[2] ?? null;
  } else {
    const colon = authority.indexOf(":");
    if (colon >= 0) { host = authority.slice(0, colon); port = authority.slice(colon + 1); }
    if (!host) fail("missingHost", "the link has no host");
    if (host.length > 253 || !/^[A-Za-z0-9.-]+$/.test(host)) fail("invalidHost", "the link's host is not valid");
  }
  if (port !== null && (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535)) fail("invalidPort", "the link's port is not 1 to 65535");
  const hash = after.indexOf("#");
  const path = hash < 0 ? after : after.slice(0, hash);
  const fragment = hash < 0 ? "" : after.slice(hash + 1);
  if (path.includes("?")) fail("queryNotAllowed", "the link has a query string (keys there would reach servers)");
  if (!path.startsWith("/join/")) fail("missingJoinPath", "the link's path is not /join/ROOM_ID");
  const roomID = path.slice("/join/".length);
  if (!roomID) fail("missingRoomID", "the link has no room id");
  if (!isInviteRoomID(roomID)) fail("invalidRoomID", "the link's room id is not 22 characters of base64url");
  if (!fragment) fail("unknownVersion", "the link has no version (v=)");
  const params = new Map();
  for (const part of fragment.split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) fail("malformedParameter", "the link has a malformed parameter");
    const name = part.slice(0, eq);
    if (params.has(name)) fail("duplicateParameter", `the link repeats the parameter ${name}`);
    params.set(name, part.slice(eq + 1));
  }
  const v = params.get("v");
  if (v !== "1" && v !== "2") fail("unknownVersion", "the link's version is not one this page reads (1 or 2)");
  const known = v === "1" ? ["v", "k"] : ["v", "o", "k"];
  const unknown = [...params.keys()].filter((k) => !known.includes(k)).sort()[0];
  if (unknown) fail("unknownParameter", `the link has an unknown parameter ${unknown}`);
  let owner = null, key = null;
  if (params.has("o")) {
    const o = params.get("o");
    owner = o.length === 43 ? fromB64url(o, "forbidden") : null;
    if (!owner || !isValidEd25519(owner)) fail("invalidOwner", "the link's owner is not a valid public key");
  }
  if (params.has("k")) {
    const k = params.get("k");
    if (k.length !== 43) fail("invalidKeyLength", "the link's key is not 43 characters");
    key = fromB64url(k, "forbidden");
    if (!key || key.length !== 32) fail("invalidKey", "the link's key is not canonical base64url");
  }
  return { server: `${scheme[1]}://${host}${port !== null ? `:${port}` : ""}`, roomID, owner, key, version: Number(v) };
}

/** The canonical text of an invite: `v` first, then `o`, then `k`. */
export function formatInvite({ server, roomID, owner, key }) {
  let s = `${server}/join/${roomID}#v=2`;
  if (owner) s += `&o=${b64url(owner)}`;
  if (key) s += `&k=${b64url(key)}`;
  return s;
}
