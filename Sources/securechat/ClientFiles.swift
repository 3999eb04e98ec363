import FoundationEssentials
import SecureChatClient
import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

/// What `connect` keeps between runs, beside the room files (docs/formats.md, "Known keys" and
/// "Client state"): which identity each member had when first seen, and per room and identity
/// the resume position and message counters. Several `connect` processes may share these files
/// (a bot listening while another sends), so every update is read-merge-write under `flock`,
/// then an atomic rename.
enum ClientFiles {
    static var knownKeysPath: String { Paths.dataDirectory + "/known-keys.json" }
    static var stateDirectory: String { Paths.dataDirectory + "/state" }

    /// One file per room and identity: `state/ROOM_ID.SIGNING_KEY.json`; anything but a room id
    /// is refused (`RoomPathError`).
    static func statePath(room: String, identity: Identity) throws -> String {
        try RoomPath.file(in: stateDirectory, roomID: room, suffix: ".\(identity.publicIdentity.signingKeyText).json")
    }

    static func loadKnownKeys() throws -> KnownKeys {
        guard let bytes = try read(knownKeysPath) else { return KnownKeys() }
        do {
            return try KnownKeysFile.decode(bytes)
        } catch {
            throw Failure("\(knownKeysPath): \(error.message)", hint: "move the file away to start trusting on first use again",
                          status: .malformed)
        }
    }

    /// Saves `keys`, keeping what another process recorded meanwhile.
    static func saveKnownKeys(_ keys: KnownKeys) throws {
        try Paths.makeDirectory(Paths.dataDirectory)
        try locked(knownKeysPath) {
            var merged = keys
            if let bytes = try read(knownKeysPath), let stored = try? KnownKeysFile.decode(bytes) { merged.merge(stored) }
            try replace(knownKeysPath, with: KnownKeysFile.encode(merged))
        }
    }

    static func loadState(room: String, identity: Identity) throws -> ResumeState? {
        guard let bytes = try read(try statePath(room: room, identity: identity)) else { return nil }
        return ClientStateFile.decode(bytes)
    }

    /// Saves counters (always) and the reading position (when `position`), merged with the file.
    static func saveState(_ state: ResumeState, room: String, identity: Identity, position: Bool) throws {
        let path = try statePath(room: room, identity: identity)
        try Paths.makeDirectory(stateDirectory)
        try locked(path) {
            let stored = try read(path).flatMap(ClientStateFile.decode) ?? ResumeState()
            try replace(path, with: ClientStateFile.encode(state.merged(into: stored, position: position), room: room,
                                                           member: identity.publicIdentity.signingKeyText))
        }
    }

    /// The file's bytes, or nil when it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        guard Paths.exists(path) else { return nil }
        guard let bytes = try InputFile(path: path).readAll(limit: 16 << 20) else { throw Failure("\(path) is larger than 16 MiB") }
        return bytes
    }

    /// Writes a temporary file (mode 0600) and renames it over `path`. No fsync: these files are
    /// rewritten often, and losing the last update costs a replayed notice, not data.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("cannot write \(path): \(String(cString: strerror(errno)))") }
        do {
            try Terminal.writeAll(fd: fd, bytes.withUnsafeBytes { UnsafeRawBufferPointer($0) })
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure("cannot write \(path): \(why)")
        }
    }

    /// Runs `body` holding an exclusive lock on `path.lock`.
    static func locked(_ path: String, _ body: () throws -> Void) throws {
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("cannot lock \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0, errno == EINTR {}
        try body()
    }
}

/// `securechat-client-state/1`: one JSON object per room and identity.
///
///     {"format": "securechat-client-state/1", "room": ID, "member": SIGNING_KEY,
///      "last_seq": N, "counter": C, "senders": {SIGNING_KEY: HIGHEST_COUNTER, …},
///      "group_epoch": E, "group_head": HASH}           (the last two once the room's chain is known)
enum ClientStateFile {
    static let format = "securechat-client-state/1"

    struct Stored: Codable {
        var format: String
        var room: String
        var member: String
        var lastSeq: Int64
        var counter: UInt64
        var senders: [String: UInt64]
        var groupEpoch: UInt64?
        var groupHead: String?

        enum CodingKeys: String, CodingKey {
            case format, room, member, lastSeq = "last_seq", counter, senders, groupEpoch = "group_epoch", groupHead = "group_head"
        }
    }

    static func encode(_ s: ResumeState, room: String, member: String) -> [UInt8] {
        let stored = Stored(format: format, room: room, member: member, lastSeq: s.lastSeq, counter: s.counter,
                            senders: Dictionary(uniqueKeysWithValues: s.senders.map {
                                (Base64.encode($0.key, alphabet: .url, padded: false), $0.value)
                            }), groupEpoch: s.groupEpoch, groupHead: s.groupHead.map { Base64.encode($0, alphabet: .url, padded: false) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try! encoder.encode(stored)) + [0x0a]
    }

    /// nil for a file that is not this format: the state is then rebuilt from the history.
    static func decode(_ bytes: [UInt8]) -> ResumeState? {
        guard let s = try? JSONDecoder().decode(Stored.self, from: Data(bytes)), s.format == format, s.lastSeq >= 0 else { return nil }
        var senders = [[UInt8]: UInt64]()
        for (k, v) in s.senders {
            guard let key = Base64.decode(Array(k.utf8), alphabet: .url, padded: false), key.count == 32 else { return nil }
            senders[key] = v
        }
        var head: [UInt8]?
        if let text = s.groupHead {
            guard let h = Base64.decode(Array(text.utf8), alphabet: .url, padded: false), h.count == 32 else { return nil }
            head = h
        }
        guard (s.groupEpoch == nil) == (head == nil) else { return nil }
        return ResumeState(lastSeq: s.lastSeq, counter: s.counter, senders: senders, groupEpoch: s.groupEpoch, groupHead: head)
    }
}
