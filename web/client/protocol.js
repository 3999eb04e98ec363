// Relay protocol version 2 (docs/protocol.md): identifier rules, the exact bytes of every
// signed payload, and the origin a sign-in names. Frames are JSON objects; binary values are
// unpadded base64url.

import { bigEndian, concat, utf8 } from "./bytes.js";

export const PROTOCOL = 2;
export const WS_PATH = "/v2/ws";

const ID = /^[A-Za-z0-9_-]{1,64}$/;
export const isRoomID = (s) => typeof s === "string" && ID.test(s);
export const isRelayID = isRoomID;
export const isJoinCode = (s) => typeof s === "string" && /^[0-9]{6}$/.test(s);
export const isClientID = (s) => typeof s === "string" && /^[\x21-\x7e]{1,64}$/.test(s);

/** 1–64 (names) or 0–280 (notes) Unicode scalars, no control or format characters but ZWJ. */
export function isText(s, max, allowEmpty = false) {
  if (typeof s !== "string") return false;
  const scalars = Array.from(s);
  if (scalars.length > max || (!allowEmpty && scalars.length === 0)) return false;
  return scalars.every((c) => c === "\u200d" || !/[\p{Cc}\p{Cf}]/u.test(c));
}
export const isDisplayName = (s) => isText(s, 64);
/** A knock note, a denial reason or a relay's error message: text the page may show. */
export const isNote = (s) => isText(s, 280, true);

const labeled = (label) => concat(utf8(label), Uint8Array.of(0));

/** "securechat/v2/relay-auth" ‖ 0x00 ‖ challenge ‖ relay id ‖ 0x00 ‖ origin */
export const authPayload = (challenge, relayID, origin) =>
  concat(labeled("securechat/v2/relay-auth"), challenge, utf8(relayID), Uint8Array.of(0), utf8(origin));

/** "securechat/v1/room-join" ‖ 0x00 ‖ challenge ‖ signing key (signed by the room access key) */
export const joinPayload = (challenge, signingKey) => concat(labeled("securechat/v1/room-join"), challenge, signingKey);

/** "securechat/v1/create-room" ‖ 0x00 ‖ room id ‖ 0x00 ‖ policy ‖ 0x00 ‖ ttl (8) ‖ max members (4) ‖ access key or nothing */
export const createRoomPayload = (roomID, policy, ttl, maxMembers, accessKey) =>
  concat(labeled("securechat/v1/create-room"), utf8(roomID), Uint8Array.of(0), utf8(policy), Uint8Array.of(0),
    bigEndian(ttl, 8), bigEndian(maxMembers, 4), accessKey ?? new Uint8Array(0));

/** "securechat/v2/agreement-key" ‖ 0x00 ‖ agreement key: a knock's `binding`. */
export const agreementKeyPayload = (key) => concat(labeled("securechat/v2/agreement-key"), key);

/** 1 to 2^53-1: a signed name's version (docs/protocol.md, "Names"). */
export const isNameVersion = (v) => Number.isSafeInteger(v) && v >= 1;

/** "securechat/v2/member-name" ‖ 0x00 ‖ room id ‖ 0x00 ‖ version (u64 big-endian) ‖ name: a member's signed name. */
export const memberNamePayload = (roomID, version, name) =>
  concat(labeled("securechat/v2/member-name"), utf8(roomID), Uint8Array.of(0), bigEndian(version, 8), utf8(name));

/** HPKE info of a sealed room key: "securechat/v1/room-key" ‖ 0x00 ‖ room id */
export const roomKeyInfo = (roomID) => concat(labeled("securechat/v1/room-key"), utf8(roomID));

/** HKDF info of the room access key: "securechat/v1/room-access-key" ‖ room id (no separator) */
export const roomAccessKeyInfo = (roomID) => concat(utf8("securechat/v1/room-access-key"), utf8(roomID));

/**
 * The canonical origin a sign-in names, from the address the user gave (an `http(s)://` or
 * `ws(s)://` URL): `ws://host:port` or `wss://host:port`, host in lowercase, port always
 * written. Null for anything else.
 */
export function canonicalOrigin(url) {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(url);
  if (!m) return null;
  const scheme = { http: "ws", ws: "ws", https: "wss", wss: "wss" }[m[1].toLowerCase()];
  if (!scheme || m[2].includes("@")) return null;
  let host = m[2], port = null;
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    if (close < 0) return null;
    const rest = host.slice(close + 1);
    if (rest) { if (!/^:[0-9]+$/.test(rest)) return null; port = Number(rest.slice(1)); }
    host = host.slice(1, close);
  } else {
    const colon = host.lastIndexOf(":");
    if (colon >= 0) {
      if (!/^[0-9]+$/.test(host.slice(colon + 1))) return null;
      port = Number(host.slice(colon + 1));
      host = host.slice(0, colon);
    }
  }
  host = host.toLowerCase();
  if (!host || host.length > 253 || !/^[a-z0-9.:_-]+$/.test(host)) return null;
  port ??= scheme === "wss" ? 443 : 80;
  if (!(port >= 1 && port <= 65535)) return null;
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
