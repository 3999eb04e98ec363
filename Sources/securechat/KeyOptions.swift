import ArgumentParser
import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a room (Fernet) key comes from: a file, a file descriptor, a room (file), the
/// SECURECHAT_KEY environment variable, or an invite link (the one source on argv, hence a
/// warning). A key file or room may hold several keys, newest first (after a rotation); all
/// are tried on decrypt and the first encrypts.
struct KeyOptions: ParsableArguments {
    @Option(name: [.customShort("k"), .customLong("key-file")], help: ArgumentHelp(
        "Read the room key(s) from FILE, one per line, newest first.", valueName: "file"),
        completion: .file())
    var keyFile: String?

    @Option(name: .customLong("key-fd"), help: ArgumentHelp(
        "Read the room key(s) from file descriptor N (e.g. 3 with '3<room.key').", valueName: "n"))
    var keyFD: Int32?

    @Option(name: .customLong("room"), parsing: .unconditional, help: ArgumentHelp(
        "Use the key(s) of room ID (see 'securechat room list') or of a room FILE.", valueName: "id|file"),
        completion: .custom(RoomStore.completeIDs))
    var room: String?

    @Option(name: .customLong("invite"), help: ArgumentHelp(
        "Use the key in an open room's invite LINK (other users can see arguments: prefer --room).", valueName: "link"))
    var invite: String?

    /// A key source named on the command line (the environment variable is a fallback, not a choice).
    var hasExplicitSource: Bool { keyFile != nil || keyFD != nil || room != nil || invite != nil }

    func validate() throws {
        if [keyFile != nil, keyFD != nil, room != nil, invite != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give only one of --key-file, --key-fd, --room and --invite")
        }
    }

    /// The keys, or nil when no source was given.
    func load() throws -> [FernetKey]? {
        let text: String
        let origin: String
        if let keyFile {
            guard Paths.exists(keyFile) else { throw Failure("key file \(keyFile) does not exist") }
            FileChecks.warnIfExposed(keyFile, what: "key file")
            text = try FileChecks.readText(keyFile)
            origin = "key file \(keyFile)"
        } else if let keyFD {
            let input = FDReader(fd: keyFD)
            guard let bytes = try input.readAll(limit: 1 << 20) else { throw Failure("file descriptor \(keyFD) holds more than 1 MiB") }
            text = String(decoding: bytes, as: UTF8.self)
            origin = "file descriptor \(keyFD)"
        } else if let room {
            let room = try RoomStore.resolve(room).room
            guard !room.keys.isEmpty else {
                throw Failure("room \(room.id) has no key yet", hint: "a member of an approval room lets you in, and the key arrives then")
            }
            return room.keys
        } else if let invite {
            return [try Self.key(inInvite: invite)]
        } else if let env = Paths.env("SECURECHAT_KEY") {
            text = env
            origin = "SECURECHAT_KEY"
        } else {
            return nil
        }
        return try Self.parse(text, origin: origin)
    }

    static func key(inInvite text: String) throws -> FernetKey {
        let link = try InviteLink(parsing: text.trimmingASCIIWhitespace())
        guard let key = link.key else {
            throw Failure("the invite for room \(link.roomID) carries no key: it is an approval room's",
                          hint: "a member lets you in, and the key arrives then")
        }
        Diagnostics.warning("the room key in --invite is visible to other users of this machine (ps, shell history)")
        Diagnostics.hint("keep it in a room file or key file and pass --room or --key-file")
        return key
    }

    static func parse(_ text: String, origin: String) throws -> [FernetKey] {
        var keys = [FernetKey]()
        for (n, line) in TextLines.split(text).enumerated() {
            let t = line.trimmingASCIIWhitespace()
            if t.isEmpty || t.hasPrefix("#") { continue }
            if let problem = ForeignKey.recognise(line: t)?.notARoomKey
                ?? (t.uppercased().hasPrefix("AGE-SECRET-KEY-") || t.hasPrefix("age1")
                    ? "this is an age key, not a room key: room keys are 44-character Fernet keys ('securechat keygen --fernet'); age keys go to -i, -r or -R" : nil) {
                throw Failure("\(origin), line \(n + 1): \(problem)", status: .malformed)
            }
            do {
                keys.append(try FernetKey(encoded: t))
            } catch {
                throw Failure(error)?.prefixed("\(origin), line \(n + 1)") ?? Failure("\(origin), line \(n + 1): \(error.message)", status: .malformed)
            }
        }
        guard !keys.isEmpty else { throw Failure("\(origin) holds no key", status: .malformed) }
        return keys
    }
}

/// Reads an inherited file descriptor (`--key-fd`, `--passphrase-fd`).
final class FDReader: ByteReader {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try readRetrying(fd: fd, into: buffer, name: "file descriptor \(fd)")
    }
}
