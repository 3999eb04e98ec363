import ArgumentParser
import Foundation
import NIOCore
import SecureChatCore
import SecureChatCrypto
import SecureChatGroup
import SecureChatWire
import Synchronization

/// A load generator that speaks the relay protocol: fan-out throughput and latency, idle
/// connections, many clients in many rooms and a stalled reader (bench/reliability). Prints one
/// JSON object per measurement on standard output.
@main
struct RelayLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-load",
        abstract: "Load a securechat relay over WebSocket and measure it.",
        subcommands: [Fanout.self, Idle.self, Ping.self, Many.self, Stall.self])
}

/// One line on standard output, written at once (the bench script waits for it).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Host and port of a `ws://HOST:PORT/...` URL.
func endpoint(_ url: String) throws -> (String, Int) {
    guard url.hasPrefix("ws://") else { throw LoadError("only ws:// URLs: \(url)") }
    let rest = url.dropFirst(5).prefix { $0 != "/" }
    guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) else {
        throw LoadError("no port in \(url)")
    }
    return (String(rest[..<colon]), port)
}

/// Monotonic nanoseconds.
func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

struct Fanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One sender, N receivers in one open room: flood throughput, or latency at a paced rate.")

    @Option(help: "The relay's WebSocket URL (ws://HOST:PORT/v2/ws).") var url: String
    @Option(help: "Receivers in the room.") var receivers = 10
    @Option(help: "Messages to send when flooding.") var messages = 20_000
    @Option(help: "Unacknowledged messages the sender keeps in flight when flooding.") var window = 200
    @Option(help: "Pace at this many deliveries per second (messages x receivers) instead of flooding.") var rate: Int?
    @Option(help: "Seconds to run at the paced rate.") var seconds = 10.0
    @Option(help: "Plaintext bytes per message (encrypted as a Fernet token).") var size = 100

    func run() async throws {
        let roomKey = FernetKey.generate()
        let roomID = Base64URL.encode(SecureRandom.bytes(16))
        let access = try RoomAccess.signingKey(roomKey: roomKey.rawRepresentation, roomID: roomID)
        let token = Fernet(key: roomKey).encrypt([UInt8](repeating: 0x61, count: size), now: UInt64(Date().timeIntervalSince1970))

        let delivered = Atomic<Int>(0)
        let recording = Atomic<Bool>(false)
        // Each receiver records into its own list, touched only by its event loop until the end:
        // a lock shared by the receivers could make one wait for another that the relay's threads
        // have preempted, and that wait would be counted as relay latency.
        let recorders = (0..<receivers).map { _ in Recorder() }
        func onMessage(_ recorder: Recorder) -> @Sendable (ByteBuffer) -> Void {
            { data in
                let now = nanos()
                delivered.add(1, ordering: .relaxed)
                guard recording.load(ordering: .relaxed), let id = RawConnection.clientID(data), let dash = id.firstIndex(of: "-"),
                      let n = Int(id[..<dash]), let sent = UInt64(id[id.index(after: dash)...]) else { return }
                recorder.samples.withLock { $0.append((n, now &- sent)) }
            }
        }
        let window = Permits(self.window)
        let acked = Atomic<Int>(0)
        let (host, port) = try endpoint(url)
        let sender = try await RawConnection.connect(host: host, port: port, onAck: { _ in
            acked.add(1, ordering: .relaxed)
            window.release()
        })
        try await sender.authenticate(name: "sender")
        let payload = SignedPayload.createRoom(roomID: roomID, policy: .open, ttlSeconds: 3600, maxMembers: UInt32(receivers + 1),
                                               accessKey: access.publicKey.rawRepresentation)
        let genesis = try GroupCommitBuilder.create(roomID: roomID, policy: .open, key: roomKey.rawRepresentation, owner: sender.signing,
                                                    ownerAgreementKey: sender.agreement.publicKey.rawRepresentation)
        sender.send(.createRoom(.init(roomID: roomID, policy: .open, ttlSeconds: 3600, maxMembers: UInt32(receivers + 1),
                                      accessKey: WireBytes(access.publicKey.rawRepresentation), commit: WireBytes(genesis.bytes),
                                      signature: WireBytes(try sender.signing.signature(for: payload)))))
        _ = try await sender.wait("create_room") { if case .roomCreated(let c) = $0 { c } else { nil } }
        var all = [sender]
        for r in recorders { all.append(try await RawConnection.connect(host: host, port: port, onMessage: onMessage(r))) }
        for (i, c) in all.enumerated() {
            if i > 0 { try await c.authenticate(name: "receiver-\(i)") }
            let proof = try access.signature(for: SignedPayload.join(challenge: c.challenge, signingKey: c.key.bytes))
            c.send(.join(.init(roomID: roomID, afterSeq: 0, proof: WireBytes(proof))))
            _ = try await c.wait("join") { if case .synced(let s) = $0 { s } else { nil } }
        }

        // Warm-up: 500 messages, not measured.
        var n = 0
        func sendOne() -> Void {
            n += 1
            let text = #"{"ciphertext":"\#(token)","client_id":"\#(n)-\#(nanos())","room_id":"\#(roomID)","type":"send"}"#
            sender.send(text: text)
        }
        for _ in 0..<500 { await window.acquire(); sendOne() }
        while delivered.load(ordering: .relaxed) < 500 * receivers { try await Task.sleep(for: .milliseconds(1)) }
        delivered.store(0, ordering: .relaxed)

        let result: [String: Double]
        if let rate {
            // Paced: messages at rate / receivers per second, each stamped with its send time.
            let perSecond = Double(rate) / Double(receivers)
            let total = Int(perSecond * seconds)
            recording.store(true, ordering: .relaxed)
            // Each message is stamped and written by the sender's own event loop at its time, so
            // no thread hand-off inside the load generator is counted as relay latency. (The
            // window is not needed: at a paced rate far fewer than `window` are unacknowledged.)
            let loop = sender.channel.eventLoop
            let start = nanos() + 10_000_000
            for i in 0..<total {
                let n = 500 + i + 1
                let text = #"{"ciphertext":"\#(token)","client_id":"\#(n)-"#
                let rest = #"","room_id":"\#(roomID)","type":"send"}"#
                loop.scheduleTask(deadline: .uptimeNanoseconds(start + UInt64(Double(i) / perSecond * 1e9))) {
                    sender.send(text: text + String(nanos()) + rest)
                }
            }
            let clock = ContinuousClock()
            try await clock.sleep(until: clock.now + .seconds(seconds) + .milliseconds(10))
            let deadline = clock.now + .seconds(10)
            while delivered.load(ordering: .relaxed) < total * receivers, clock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
            let samples = recorders.flatMap { r in r.samples.withLock { $0 } }
            let sorted = samples.map(\.latency).sorted()
            func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6 }
            // Per message: the first and the last receiver's latency (how long the fan-out itself takes).
            var spans = [Int: (first: UInt64, last: UInt64)]()
            for (n, latency) in samples {
                let old = spans[n] ?? (latency, latency)
                spans[n] = (min(old.first, latency), max(old.last, latency))
            }
            let all = Array(spans.values)
            func median(_ xs: [UInt64]) -> Double { xs.isEmpty ? 0 : Double(xs.sorted()[xs.count / 2]) / 1e6 }
            result = ["deliveries_per_second": Double(rate), "deliveries": Double(sorted.count), "p50_ms": pct(0.50),
                      "p99_ms": pct(0.99), "max_ms": sorted.last.map { Double($0) / 1e6 } ?? 0,
                      "first_receiver_p50_ms": median(all.map(\.first)), "last_receiver_p50_ms": median(all.map(\.last))]
        } else {
            let start = nanos()
            for _ in 0..<messages { await window.acquire(); sendOne() }
            while delivered.load(ordering: .relaxed) < messages * receivers { try await Task.sleep(for: .microseconds(200)) }
            let elapsed = Double(nanos() - start) / 1e9
            result = ["deliveries": Double(messages * receivers), "seconds": elapsed,
                      "deliveries_per_second": Double(messages * receivers) / elapsed,
                      "messages_per_second": Double(messages) / elapsed]
        }
        for c in all { c.close() }
        var out = result
        out["receivers"] = Double(receivers)
        let json = try JSONSerialization.data(withJSONObject: out.merging(["paced": rate == nil ? 0 : 1]) { a, _ in a },
                                              options: [.sortedKeys])
        emit(String(decoding: json, as: UTF8.self))
    }
}

struct Idle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open N authenticated connections and hold them until standard input closes.")

    @Option(help: "The relay's WebSocket URL (ws://HOST:PORT/v2/ws).") var url: String
    @Option(help: "Connections to open.") var connections = 10_000
    @Option(help: "Connections opened at a time.") var parallel = 100

    func run() async throws {
        let (host, port) = try endpoint(url)
        var open = [RawConnection]()
        open.reserveCapacity(connections)
        var started = 0
        while started < connections {
            let batch = min(parallel, connections - started)
            let base = started
            let conns = try await withThrowingTaskGroup(of: RawConnection.self) { group in
                for i in 0..<batch {
                    group.addTask {
                        let c = try await RawConnection.connect(host: host, port: port)
                        try await c.authenticate(name: "idle-\(base + i)")
                        return c
                    }
                }
                return try await group.reduce(into: [RawConnection]()) { $0.append($1) }
            }
            open += conns
            started += batch
        }
        emit(#"{"connected":\#(open.count)}"#)
        // Hold until the caller closes our standard input.
        while let _ = readLine() {}
        for c in open { c.close() }
    }
}

struct Ping: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Round trips of ping/pong frames: the floor under any relay latency on this machine.")

    @Option(help: "The relay's WebSocket URL (ws://HOST:PORT/v2/ws).") var url: String
    @Option(help: "Round trips to time.") var count = 2000

    func run() async throws {
        let (host, port) = try endpoint(url)
        let c = try await RawConnection.connect(host: host, port: port)
        try await c.authenticate(name: "ping")
        var rtts = [UInt64]()
        for i in 0..<(count + 100) {
            let t = nanos()
            c.send(.ping(.init()))
            _ = try await c.wait("pong") { if case .pong = $0 { true } else { nil } }
            if i >= 100 { rtts.append(nanos() - t) }
            try await Task.sleep(for: .milliseconds(2))
        }
        rtts.sort()
        func pct(_ p: Double) -> Double { Double(rtts[min(rtts.count - 1, Int(Double(rtts.count) * p))]) / 1e6 }
        emit(#"{"p50_ms":\#(pct(0.5)),"p99_ms":\#(pct(0.99)),"round_trips":\#(rtts.count)}"#)
        c.close()
    }
}
