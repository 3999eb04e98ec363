import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire

extension FuzzTargets {
    /// Valid inputs for each target, made with the project's own writers (fixed keys, so they
    /// are the same on every run): the start of every corpus, beside the files of
    /// `Tests/Vectors` that `scripts/fuzz` adds, and replayed by the test suite.
    public static func seeds(_ name: String) -> [[UInt8]] {
        func utf8(_ texts: String...) -> [[UInt8]] { texts.map { Array($0.utf8) } }
        let roomID = "fuzzRoomAAAAAAAAAAAAAA"
        let key64 = Base64.encode(signer.publicKey.rawRepresentation, alphabet: .url, padded: false)
        let sig64 = Base64.encode(try! signer.signature(for: Array("seed".utf8)), alphabet: .url, padded: false)
        let token = Fernet(key: key).encrypt(Array("hello".utf8), now: now)
        switch name {
        case "client-frame":
            return utf8(
                #"{"type":"send","room_id":"\#(roomID)","client_id":"c1","ciphertext":"\#(token)"}"#,
                #"{"type":"join","room_id":"\#(roomID)","after_seq":3,"proof":"\#(sig64)"}"#,
                #"{"type":"knock","room_id":"\#(roomID)","note":"hi","binding":"\#(sig64)"}"#,
                #"{"type":"ping"}"#) + [FrameCoding.encode(ClientFrame.send(.init(roomID: roomID, clientID: "c2", ciphertext: token)))]
        case "server-frame":
            return [
                FrameCoding.encode(ServerFrame.message(.init(roomID: roomID, seq: 7, sender: WireBytes(signer.publicKey.rawRepresentation),
                                                             clientID: "c1", ciphertext: token, time: 1_700_000_000))),
                FrameCoding.encode(ServerFrame.ack(.init(roomID: roomID, clientID: "c1", seq: 7))),
                FrameCoding.encode(ServerFrame.synced(.init(roomID: roomID, seq: 7))),
                FrameCoding.encode(ServerFrame.error(ErrorFrame(.rateLimited, "slow down", limit: .knocksPerMinute))),
                FrameCoding.encode(ServerFrame.authenticated(.init(signingKey: WireBytes(signer.publicKey.rawRepresentation)))),
            ]
        case "fernet-token":
            return [Array(token.utf8), Array(Fernet(key: key).encrypt([], now: now).utf8)]
        case "fernet-key":
            return utf8(key.encoded, key.encoded + "\n")
        case "age-file":
            return [false, true].map { armor in
                let out = MemoryWriter()
                try! Age.encrypt(to: [ageIdentity.recipient], armor: armor, from: MemoryReader(Array("hello age".utf8)), to: out)
                return out.bytes
            }
        case "age-identity-file":
            return utf8("# created: 2026-01-01T00:00:00Z\n# public key: \(ageIdentity.recipient)\n\(ageIdentity.encoded)\n")
        case "age-recipients-file":
            return utf8("# a comment\n\(ageIdentity.recipient)\n\n\(ageIdentity.recipient)\n")
        case "identity-file":
            let identity = Identity(agreementKey: try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: (0..<32).map { UInt8($0 * 3) }))
            return utf8(IdentityFile.render(identity, created: "2026-01-01T00:00:00Z"))
        case "invite-link":
            return utf8("http://127.0.0.1:5000/join/\(roomID)#v=1",
                        "https://relay.example.org/join/\(roomID)#k=\(Base64.encode(key.rawRepresentation, alphabet: .url, padded: false))&v=2",
                        "https://relay.example.org:8443/join/\(roomID)#k=\(Base64.encode(key.rawRepresentation, alphabet: .url, padded: false))&o=\(key64)&v=2")
        case "room-file":
            return utf8("""
                {"created": "2026-01-01T00:00:00Z", "expires": "2099-01-01T00:00:00Z", "format": "securechat-room/1", "id": "\(roomID)",
                 "keys": ["\(key.encoded)"], "max_members": 50, "name": "ours", "owner": "\(key64)", "policy": "approval",
                 "server": "http://127.0.0.1:9"}
                """)
        case "envelope":
            let e = Envelope(kind: .text, sender: signer.publicKey.rawRepresentation, roomID: roomID, counter: 1, time: now, body: Array("hi".utf8))
            return [try! e.signed(by: signer)]
        case "group-commit":
            let c = try! GroupCommitBuilder.create(roomID: roomID, policy: .approval, key: key.rawRepresentation, owner: signer,
                                                   ownerAgreementKey: ageIdentity.x25519!.publicKey.rawRepresentation)
            return [c.bytes]
        case "known-keys":
            let who = Identity(agreementKey: try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: (0..<32).map { UInt8($0 + 9) }))
            return [KnownKeysFile.encode(KnownKeys()),
                    KnownKeysFile.encode(KnownKeys(entries: [.init(roomID: roomID, name: "ada", identity: who.publicIdentity, firstSeen: now)]))]
        case "relay-http-headers":
            let nonce = Base64.encode([UInt8](repeating: 9, count: 16), alphabet: .url, padded: false)
            let signature = try! signer.signature(for: SignedPayload.logExport(roomID: roomID, after: 3, time: 1_700_000_000, nonce: nonce))
            let request = LogExportRequest(after: 3, format: .jsonl, key: signer.publicKey.rawRepresentation, time: 1_700_000_000,
                                           nonce: nonce, signature: signature)
            let export = "?" + request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&") + "\r\n"
                + request.headers.map { "\($0.name): \($0.value)\r\n" }.joined()
            return utf8(export, export + "Host: 127.0.0.1:5000\r\nOrigin: http://127.0.0.1:5000\r\n",
                        export + "Host: [::1]:8443\r\nOrigin: ws://127.0.0.1\r\n", export + "Host: relay.example.org\r\nOrigin: null\r\n")
        default:
            return []
        }
    }
}
