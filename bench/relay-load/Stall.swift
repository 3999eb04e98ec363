import ArgumentParser
import Foundation
import NIOCore
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Synchronization

/// A stalled reader: one member of a busy room stops reading its socket. The others must get
/// every message as if it were not there; the relay must cut the stalled one off (telling it
/// `slow_reader`) rather than buffer for it without bound; and the stalled one, once it reads
/// again, must be able to reconnect and resume from the last message it saw with nothing lost.
struct Stall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One sender, N receivers and one member that stops reading, in one open room.",
        discussion: "Prints one JSON object; exits 1 when a receiver missed a message or the stalled member could not resume.")

    @Option(help: "The relay's WebSocket URL (ws://HOST:PORT/v2/ws).") var url: String
    @Option(help: "Receivers that keep reading.") var receivers = 5
    @Option(help: "Messages the sender floods.") var messages = 5000
    @Option(help: "Plaintext bytes per message.") var size = 4000
    @Option(help: "Unacknowledged messages the sender keeps in flight.") var window = 100

    /// Client ids seen by one member.
    final class Seen: Sendable {
        let ids = Mutex<Set<String>>([])
        let highestSeq = Atomic<Int64>(0)
        var count: Int { ids.withLock { $0.count } }
    }

    func run() async throws {
        let (host, port) = try endpoint(url)
        let (receivers, messages, window) = (self.receivers, self.messages, self.window)
        let roomKey = FernetKey.generate()
        let roomID = Base64URL.encode(SecureRandom.bytes(16))
        let access = try RoomAccess.signingKey(roomKey: roomKey.rawRepresentation, roomID: roomID)
        let token = Fernet(key: roomKey).encrypt([UInt8](repeating: 0x61, count: size), now: UInt64(Date().timeIntervalSince1970))

        func recorder(_ seen: Seen) -> @Sendable (ByteBuffer) -> Void {
            { data in
                guard case .message(let m)? = try? FrameCoding.decodeServerFrame(data.readableBytesView) else { return }
                _ = seen.ids.withLock { $0.insert(m.clientID) }
                _ = seen.highestSeq.max(m.seq, ordering: .relaxed)
            }
        }
        func join(_ c: RawConnection, after: Int64) async throws {
            let proof = try access.signature(for: SignedPayload.join(challenge: c.challenge, signingKey: c.key.bytes))
            c.send(.join(.init(roomID: roomID, afterSeq: after, proof: WireBytes(proof))))
            _ = try await c.wait("join") { if case .synced(let s) = $0 { s } else { nil } }
        }

        let permits = Permits(window)
        let sender = try await RawConnection.connect(host: host, port: port, onAck: { _ in permits.release() })
        try await sender.authenticate(name: "sender")
        let most = UInt32(receivers + 3)
        let payload = SignedPayload.createRoom(roomID: roomID, policy: .open, ttlSeconds: 3600, maxMembers: most,
                                               accessKey: access.publicKey.rawRepresentation)
        let genesis = try GroupCommitBuilder.create(roomID: roomID, policy: .open, key: roomKey.rawRepresentation, owner: sender.signing,
                                                    ownerAgreementKey: sender.agreement.publicKey.rawRepresentation)
        sender.send(.createRoom(.init(roomID: roomID, policy: .open, ttlSeconds: 3600, maxMembers: most,
                                      accessKey: WireBytes(access.publicKey.rawRepresentation), commit: WireBytes(genesis.bytes),
                                      signature: WireBytes(try sender.signing.signature(for: payload)))))
        _ = try await sender.wait("create_room") { if case .roomCreated(let c) = $0 { c } else { nil } }
        try await join(sender, after: 0)

        let seen = (0..<receivers).map { _ in Seen() }
        var readers = [RawConnection]()
        for (i, s) in seen.enumerated() {
            let c = try await RawConnection.connect(host: host, port: port, onMessage: recorder(s))
            try await c.authenticate(name: "receiver-\(i)")
            try await join(c, after: 0)
            readers.append(c)
        }
        let stalledSeen = Seen()
        let stalled = try await RawConnection.connect(host: host, port: port, onMessage: recorder(stalledSeen))
        try await stalled.authenticate(name: "stalled")
        try await join(stalled, after: 0)
        // From here on the stalled member reads nothing: its socket's buffers fill, then the relay's.
        try await stalled.channel.setOption(ChannelOptions.autoRead, value: false).get()

        let start = nanos()
        for n in 0..<messages {
            await permits.acquire()
            sender.send(text: #"{"ciphertext":"\#(token)","client_id":"m\#(n)","room_id":"\#(roomID)","type":"send"}"#)
        }
        let deadline = nanos() + 120_000_000_000
        while seen.contains(where: { $0.count < messages }), nanos() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let seconds = Double(nanos() - start) / 1e9
        let receiversComplete = seen.filter { $0.count == messages }.count

        // The stalled member reads again: what the relay sent before cutting it off, then the end.
        try await stalled.channel.setOption(ChannelOptions.autoRead, value: true).get()
        stalled.channel.read()
        var toldSlowReader = false
        let drainUntil = nanos() + 10_000_000_000
        while nanos() < drainUntil {
            guard let f = await stalled.control.take(timeout: .seconds(2)) else { break }
            if case .error(let e) = f, e.code == .slowReader { toldSlowReader = true }
        }
        let cutOff = !stalled.channel.isActive
        let seenBeforeResume = stalledSeen.count

        // Resume: a new connection joins after the last message the stalled one saw.
        let again = try await RawConnection.connect(host: host, port: port, onMessage: recorder(stalledSeen))
        try await again.authenticate(name: "stalled-again")
        try await join(again, after: stalledSeen.highestSeq.load(ordering: .relaxed))
        let resumed = stalledSeen.count == messages
        for c in readers + [sender, stalled, again] { c.close() }

        let figures: [String: Any] = [
            "receivers": receivers, "messages": messages, "message_bytes": token.utf8.count, "seconds": (seconds * 10).rounded() / 10,
            "receivers_complete": receiversComplete, "stalled_cut_off": cutOff, "stalled_told_slow_reader": toldSlowReader,
            "stalled_seen_before_resume": seenBeforeResume, "stalled_complete_after_resume": resumed,
        ]
        let json = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        emit(String(decoding: json, as: UTF8.self))
        if receiversComplete != receivers || !resumed { throw ExitCode(1) }
    }
}
