import Foundation
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A hostile relay small enough to read in one sitting: a Python WebSocket server (RFC 6455,
/// text frames only) that speaks just enough of the protocol to get a real `securechat connect`
/// into a room, then puts `text` in every string field it controls: error messages, display
/// names, knock notes, deny reasons, the room name. `mode` picks the script:
///
/// - `refuse`: `join` is answered with `error not_member` (an open room's client gives up).
/// - `live`: joined, a roster and a knock with hostile names and note, synced, an unsolicited
///   `error`; every `send` is answered with an `error` naming its `client_id`.
/// - `deny`: `knock` is answered with `denied` and a hostile reason.
/// - `code`: a knock by join code is answered with `room_id` (a room the client may keep already)
///   and at once approved by the relay's own owner, with the relay's key; the join gets that chain.
/// - `inject`: as `live`, but after `synced` the relay hands the client a room key of its own,
///   in a rotation signed by a stranger and in one of the owner's rotations re-sealed by the
///   relay; every `send` is acknowledged and its ciphertext written to `recorded`.
///
/// The keys it needs to get that far are real: a group-state chain (an owner founds the room with
/// `roomKey`, `member` enters it) and a knocker whose agreement key is signed by itself, made here
/// and handed to the script, since a client believes only what is signed.
final class FakeRelay {
    let process = Process()
    let port: Int
    private let dir: URL
    /// The key the relay tries to make the client use (`inject`).
    let relayKey: FernetKey
    /// Where `inject` writes the ciphertext of every `send`, one a line.
    var recorded: URL { dir.appendingPathComponent("sent.txt") }

    static let script = #"""
import base64, hashlib, json, re, socket, struct, sys
mode, text, signed = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
print(srv.getsockname()[1], flush=True)
def exact(c, n):
    b = b""
    while len(b) < n:
        r = c.recv(n - len(b))
        if not r: raise EOFError
        b += r
    return b
def frame(c):
    b1, b2 = exact(c, 2)
    n = b2 & 0x7f
    if n == 126: n = struct.unpack(">H", exact(c, 2))[0]
    elif n == 127: n = struct.unpack(">Q", exact(c, 8))[0]
    mask = exact(c, 4) if b2 & 0x80 else b"\0\0\0\0"
    data = bytes(x ^ mask[i % 4] for i, x in enumerate(exact(c, n)))
    return b1 & 0x0f, data
def send(c, obj, op=1):
    data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    head = bytes([0x80 | op])
    head += bytes([len(data)]) if len(data) < 126 else bytes([126]) + struct.pack(">H", len(data))
    c.sendall(head + data)
def b64(byte): return base64.urlsafe_b64encode(bytes([byte]) * 32).decode().rstrip("=")
key32 = b64(7)
limits = {"frame_bytes": 65536, "members_per_room": 50, "messages_per_second": 20, "burst": 40, "rooms_per_address": 20,
          "connections_per_address": 64, "knocks_per_minute": 10, "wrong_codes": 5, "default_ttl_seconds": 86400,
          "max_ttl_seconds": 2592000, "knock_timeout_seconds": 600, "code_interval_seconds": 300}
while True:
    c, _ = srv.accept()
    try:
        req = b""
        while b"\r\n\r\n" not in req: req += c.recv(4096)
        k = re.search(rb"(?i)sec-websocket-key: *(\S+)", req).group(1)
        acc = base64.b64encode(hashlib.sha1(k + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
        c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + acc + b"\r\n\r\n")
        send(c, {"type": "hello", "protocol": 2, "relay": "fake-relay", "challenge": key32, "limits": limits})
        while True:
            op, data = frame(c)
            if op == 8: send(c, data[:2], 8); break
            if op == 9: send(c, data, 10); continue
            if op != 1: continue
            f = json.loads(data)
            t, room = f.get("type"), f.get("room_id", "")
            if t == "auth":
                send(c, {"type": "authenticated", "signing_key": f["signing_key"]})
            elif t == "join" and mode == "refuse":
                send(c, {"type": "error", "code": "not_member", "message": text, "room_id": room})
            elif t == "join" and mode == "code":
                send(c, {"type": "joined", "room_id": room, "role": "member", "policy": "approval", "name": text,
                         "expires_at": 4102444800, "max_members": 50, "last_seq": 1})
                for i, commit in enumerate(signed["approval"]):
                    send(c, {"type": "commit", "room_id": room, "seq": i, "commit": commit, "time": 1700000000})
                send(c, {"type": "synced", "room_id": room, "seq": 1})
            elif t == "join":
                send(c, {"type": "joined", "room_id": room, "role": "member", "policy": "open", "name": text,
                         "expires_at": 4102444800, "max_members": 50, "last_seq": 0})
                owner = signed["owner"]
                send(c, {"type": "roster", "room_id": room, "members": [{"member": owner["member"], "agreement_key": owner["agreement_key"],
                         "name": text, "role": "owner", "online": True}]})
                for commit in signed["chain"]:
                    send(c, {"type": "commit", "room_id": room, "seq": 0, "commit": commit, "time": 1700000000})
                k = signed["knocker"]
                send(c, {"type": "knock", "room_id": room, "knock_id": "D" * 22, "member": k["member"], "agreement_key": k["agreement_key"],
                         "binding": k["binding"], "name": text, "note": text, "time": 1700000000})
                send(c, {"type": "synced", "room_id": room, "seq": 0})
                if mode == "inject":
                    for i, commit in enumerate(signed["inject"]):
                        send(c, {"type": "commit", "room_id": room, "seq": i + 1, "commit": commit, "time": 1700000000})
                else:
                    send(c, {"type": "error", "code": "internal_error", "message": text, "room_id": room})
            elif t == "send" and mode == "inject":
                with open(signed["record"], "a") as out: out.write(f["ciphertext"] + "\n")
                send(c, {"type": "ack", "room_id": room, "client_id": f["client_id"], "seq": 10})
            elif t == "send":
                send(c, {"type": "error", "code": "frame_too_large", "message": text, "room_id": room, "client_id": f["client_id"]})
            elif t == "knock" and mode == "code":
                send(c, {"type": "knocked", "room_id": signed["room"], "knock_id": "K" * 22, "expires_at": 4102444800})
                send(c, {"type": "approved", "room_id": signed["room"], "commit": signed["approval"][1]})
            elif t == "knock":
                send(c, {"type": "denied", "room_id": room or "R" * 22, "reason": text})
    except Exception:
        pass
    c.close()
"""#

    init(mode: String, text: String, member: Identity? = nil, roomID: String = "AAAAAAAAAAAAAAAAAAAAAA", roomKey: FernetKey? = nil) throws {
        dir = try CLI.sandbox()
        func b64(_ bytes: [UInt8]) -> String { Base64.encode(bytes, alphabet: .url, padded: false) }
        let owner = Identity.generate(), knocker = Identity.generate()
        let relayKey = FernetKey.generate()
        self.relayKey = relayKey
        var chain = [String](), inject = [String](), approval = [String]()
        if let member, mode == "code" {
            let create = try GroupCommitBuilder.create(roomID: roomID, policy: .approval, key: relayKey.rawRepresentation,
                                                       owner: owner.signingKey, ownerAgreementKey: owner.agreementKey.publicKey.rawRepresentation)
            let add = try GroupCommitBuilder.add(try GroupState(genesis: create, pinnedOwner: nil), joiner: member.signingKey.publicKey.rawRepresentation,
                                                 joinerAgreementKey: member.agreementKey.publicKey.rawRepresentation,
                                                 key: relayKey.rawRepresentation, by: owner.signingKey)
            approval = [b64(create.bytes), b64(add.bytes)]
        }
        if let member, let roomKey {
            let key = roomKey.rawRepresentation
            let create = try GroupCommitBuilder.create(roomID: roomID, policy: .open, key: key, owner: owner.signingKey,
                                                       ownerAgreementKey: owner.agreementKey.publicKey.rawRepresentation)
            let join = try GroupCommitBuilder.join(try GroupState(genesis: create, pinnedOwner: nil), key: key,
                                                   agreementKey: member.agreementKey.publicKey.rawRepresentation, by: member.signingKey)
            chain = [b64(create.bytes), b64(join.bytes)]
            let state = try GroupState(genesis: create, pinnedOwner: nil).applying(join)
            // A stranger's rotation, sealed to the member with the relay's key.
            let stranger = Identity.generate()
            var byStranger = GroupCommit(roomID: roomID, epoch: state.epoch + 1, prev: state.head, kind: .rotate,
                                         author: stranger.signingKey.publicKey.rawRepresentation,
                                         subject: stranger.signingKey.publicKey.rawRepresentation, policy: .open,
                                         keyID: GroupKeys.keyID(roomID: roomID, key: relayKey.rawRepresentation),
                                         accessKey: try GroupKeys.accessKey(roomID: roomID, key: relayKey.rawRepresentation, policy: .open),
                                         sealed: try state.members.map {
                                             try GroupKeys.seal(relayKey.rawRepresentation, to: $0.signingKey, agreementKey: $0.agreementKey, roomID: roomID)
                                         })
            try byStranger.sign(with: stranger.signingKey)
            // The owner's real rotation with the relay's key sealed in its place.
            var resealed = try GroupCommitBuilder.rotate(state, newKey: FernetKey.generate().rawRepresentation, by: owner.signingKey)
            resealed.sealed = byStranger.sealed
            inject = [b64(byStranger.bytes), b64(resealed.bytes)]
        }
        let knockerAgreement = knocker.agreementKey.publicKey.rawRepresentation
        let signed: [String: Any] = [
            "owner": ["member": b64(owner.signingKey.publicKey.rawRepresentation),
                      "agreement_key": b64(owner.agreementKey.publicKey.rawRepresentation)],
            "chain": chain,
            "inject": inject,
            "approval": approval,
            "room": roomID,
            "record": dir.appendingPathComponent("sent.txt").path,
            "knocker": ["member": b64(knocker.signingKey.publicKey.rawRepresentation), "agreement_key": b64(knockerAgreement),
                        "binding": b64(try knocker.signingKey.signature(for: Array("securechat/v2/agreement-key".utf8) + [0] + knockerAgreement))],
        ]
        let signedText = String(decoding: try JSONSerialization.data(withJSONObject: signed), as: UTF8.self)
        let file = dir.appendingPathComponent("fake_relay.py")
        try Data(Self.script.utf8).write(to: file)
        let out = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [file.path, mode, text, signedText]
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(0x0a) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let p = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LiveError("the fake relay did not start")
        }
        port = p
    }

    var url: String { "http://127.0.0.1:\(port)" }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }
}
