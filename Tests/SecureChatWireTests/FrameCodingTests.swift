import Testing
import SecureChatWire

/// Frames as JSON text: the shapes docs/protocol.md shows, and every bad input's exact error.
@Suite struct FrameCodingTests {
    let key = WireBytes([UInt8](repeating: 1, count: 32))
    let sig = WireBytes([UInt8](repeating: 2, count: 64))

    func text(_ frame: ServerFrame) -> String { String(decoding: FrameCoding.encode(frame), as: UTF8.self) }
    func text(_ frame: ClientFrame) -> String { String(decoding: FrameCoding.encode(frame), as: UTF8.self) }

    @Test func everyClientFrameRoundTrips() throws {
        let frames: [ClientFrame] = [
            .auth(.init(signingKey: key, agreementKey: key, name: "Ada", signature: sig)),
            .createRoom(.init(roomID: "r1", policy: .open, name: "demo", ttlSeconds: 60, maxMembers: 5, accessKey: key, commit: sig, signature: sig)),
            .createRoom(.init(roomID: "r2", policy: .approval, commit: sig, signature: sig)),
            .join(.init(roomID: "r1", afterSeq: 7, proof: sig)),
            .send(.init(roomID: "r1", clientID: "c-1", ciphertext: "gAAAA")),
            .knock(.init(code: "123456", name: "Bob", note: "hi", binding: sig)),
            .approve(.init(roomID: "r2", knockID: "k", commit: sig)),
            .deny(.init(roomID: "r2", knockID: "k", reason: "no")),
            .commit(.init(roomID: "r1", commit: sig)),
            .ping(.init()),
        ]
        for f in frames {
            #expect(try FrameCoding.decodeClientFrame(FrameCoding.encode(f)) == f, "\(f.type)")
        }
    }

    @Test func sendHasTheDocumentedShape() {
        #expect(text(ClientFrame.send(.init(roomID: "r1", clientID: "c-1", ciphertext: "gAAAA")))
            == #"{"ciphertext":"gAAAA","client_id":"c-1","room_id":"r1","type":"send"}"#)
        #expect(text(ClientFrame.ping(.init())) == #"{"type":"ping"}"#)
        #expect(text(ServerFrame.ack(.init(roomID: "r1", clientID: "c-1", seq: 3)))
            == #"{"client_id":"c-1","room_id":"r1","seq":3,"type":"ack"}"#)
        #expect(text(ServerFrame.error(.init(.rateLimited, "slow down", limit: .messagesPerSecond)))
            == #"{"code":"rate_limited","limit":"messages_per_second","message":"slow down","type":"error"}"#)
    }

    @Test func binaryValuesAreUnpaddedBase64URL() {
        let t = text(ServerFrame.authenticated(.init(signingKey: WireBytes([0xfb, 0xff]))))
        #expect(t == #"{"signing_key":"-_8","type":"authenticated"}"#)
    }

    @Test func everyServerFrameRoundTrips() throws {
        let limits = ServerFrame.Limits(frameBytes: 65536, membersPerRoom: 50, messagesPerSecond: 20, burst: 40, roomsPerAddress: 20,
                                        connectionsPerAddress: 64, knocksPerMinute: 10, wrongCodes: 5, defaultTTLSeconds: 86400,
                                        maxTTLSeconds: 2_592_000, knockTimeoutSeconds: 600, codeIntervalSeconds: 300)
        let frames: [ServerFrame] = [
            .hello(.init(relay: "rly", challenge: key, limits: limits)),
            .authenticated(.init(signingKey: key)),
            .roomCreated(.init(roomID: "r", policy: .open, expiresAt: 9, maxMembers: 50)),
            .joined(.init(roomID: "r", role: .owner, policy: .approval, name: nil, expiresAt: 9, maxMembers: 50, lastSeq: 4)),
            .roster(.init(roomID: "r", members: [.init(member: key, agreementKey: key, name: "Ada", role: .member, online: true)])),
            .synced(.init(roomID: "r", seq: 4)),
            .message(.init(roomID: "r", seq: 5, sender: key, clientID: "c", ciphertext: "gAAAA", time: 1)),
            .ack(.init(roomID: "r", clientID: "c", seq: 5)),
            .knock(.init(roomID: "r", knockID: "k", member: key, agreementKey: key, binding: sig, name: "Bob", note: nil, time: 2)),
            .knocked(.init(roomID: "r", knockID: "k", expiresAt: 3)),
            .approved(.init(roomID: "r", commit: sig)),
            .denied(.init(roomID: "r", reason: "no")),
            .code(.init(roomID: "r", code: "012345", expiresAt: 4)),
            .removed(.init(roomID: "r", by: key)),
            .left(.init(roomID: "r")),
            .commit(.init(roomID: "r", seq: 6, commit: sig, time: 5)),
            .event(.init(roomID: "r", event: .knockExpired, member: key, time: 6)),
            .event(.init(roomID: "r", event: .join, member: key, agreementKey: key, name: "Ada", time: 6)),
            .presence(.init(roomID: "r", member: key, online: false)),
            .error(.init(.roomFull, "full", limit: .membersPerRoom, roomID: "r")),
            .pong(.init()),
            .bye(.init(reason: "shutdown")),
        ]
        for f in frames {
            #expect(try FrameCoding.decodeServerFrame(FrameCoding.encode(f)) == f, "\(f.type)")
        }
    }

    @Test(arguments: [
        ("", FrameDecodingError.malformed("not a JSON object")),
        ("[1]", .malformed("not a JSON object")),
        ("{}", .malformed("missing field 'type'")),
        (#"{"type":"fly"}"#, .unknownType("fly")),
        (#"{"type":7}"#, .malformed("field 'type' has the wrong type")),
        (#"{"type":"send","room_id":"r","client_id":"c"}"#, .malformed("missing field 'ciphertext'")),
        (#"{"type":"join","room_id":"r","after_seq":"x"}"#, .malformed("field 'after_seq' has the wrong type")),
        (#"{"type":"commit","room_id":"r","commit":"***"}"#, .malformed("field 'commit' is invalid")),
        (#"{"type":"approve","room_id":"r","knock_id":"k"}"#, .malformed("missing field 'commit'")),
        (#"{"type":"rotate","room_id":"r"}"#, .unknownType("rotate")),
        (#"{"type":"create_room","room_id":"r","policy":"secret","signature":"AA"}"#, .malformed("field 'policy' is invalid")),
        (#"{"type":"send","room_id":null,"client_id":"c","ciphertext":"x"}"#, .malformed("field 'room_id' is null")),
    ])
    func badClientFrames(input: String, error: FrameDecodingError) {
        #expect(throws: error) { try FrameCoding.decodeClientFrame(Array(input.utf8)) }
    }

    @Test func unknownFieldsAreIgnored() throws {
        let f = try FrameCoding.decodeClientFrame(Array(#"{"type":"commit","room_id":"r","commit":"AQID","sender":"someone else"}"#.utf8))
        #expect(f == .commit(.init(roomID: "r", commit: WireBytes([1, 2, 3]))))
    }
}
