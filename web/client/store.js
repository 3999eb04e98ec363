// What this browser keeps, in IndexedDB: its identity (private keys as CryptoKeys, which
// IndexedDB stores as they are: the Ed25519 key non-extractable, the X25519 key extractable so
// that it can be exported, docs/web-client.md) and, per room, what a member needs to come
// back: relay, policy, owner pin, room keys, resume point, first-seen identities.

const DB = "securechat";
const VERSION = 1;

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("identity")) db.createObjectStore("identity");
      if (!db.objectStoreNames.contains("rooms")) db.createObjectStore("rooms", { keyPath: "roomID" });
      if (!db.objectStoreNames.contains("settings")) db.createObjectStore("settings");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let dbPromise = null;
const db = () => (dbPromise ??= open());

async function run(store, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const getIdentity = () => run("identity", "readonly", (s) => s.get("me"));
export const putIdentity = (record) => run("identity", "readwrite", (s) => s.put(record, "me"));
export const getSetting = (name) => run("settings", "readonly", (s) => s.get(name));
export const putSetting = (name, value) => run("settings", "readwrite", (s) => s.put(value, name));
export const getRoom = (roomID) => run("rooms", "readonly", (s) => s.get(roomID));
/**
 * Saves a room. A kept room's owner pin is never replaced by a different one (whatever a relay
 * says later), so the write is refused, and the promise rejected, when the stored record is
 * pinned to another owner.
 */
export async function putRoom(room) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction("rooms", "readwrite");
    const rooms = tx.objectStore("rooms");
    let refused = null;
    const get = rooms.get(room.roomID);
    get.onsuccess = () => {
      const kept = get.result;
      if (kept?.ownerPin && kept.ownerPin !== room.ownerPin) {
        refused = new Error("this browser keeps the room with another owner; the kept record stands");
        tx.abort();
        return;
      }
      rooms.put(room);
    };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(refused ?? tx.error);
    tx.onabort = () => reject(refused ?? tx.error);
  });
}
export const deleteRoom = (roomID) => run("rooms", "readwrite", (s) => s.delete(roomID));
export const allRooms = () => run("rooms", "readonly", (s) => s.getAll());
