import SecureChatCore
#if canImport(Glibc)
import Glibc
#endif

/// Room files on disk (docs/room-file.md): `$XDG_DATA_HOME/securechat/rooms/ROOM_ID.json`, the
/// directory 0700, each file 0600. A room file holds the room keys, so one that group or other
/// users can access is refused (exit status 1, an environment problem, with the chmod that fixes
/// it); a file that does not parse is malformed data (exit status 2).
enum RoomStore {
    static var directory: String { Paths.dataDirectory + "/rooms" }

    static func path(for id: RoomID) throws -> String { try RoomPath.file(in: directory, roomID: id.text, suffix: ".json") }

    /// Writes a new room file, in the rooms directory or at `file`; never replaces an existing
    /// file. Returns the path written.
    static func save(_ room: Room, to file: String? = nil) throws -> String {
        let target = try file ?? path(for: room.id)
        if file == nil { try Paths.makeDirectory(directory) }
        try withOutput(try OutputFile(path: target, mode: 0o600, overwrite: false)) { try $0.write(RoomFile.encode(room)) }
        return target
    }

    /// Reads and checks the room file at `path`.
    static func load(file path: String) throws -> Room {
        let input = try InputFile(path: path)
        var st = stat()
        if fstat(input.fd, &st) == 0, st.st_mode & 0o077 != 0 {
            throw Failure("room file \(path) is accessible by other users (mode \(String(st.st_mode & 0o777, radix: 8))); refusing to use it, since it holds the room keys",
                          hint: "chmod 600 \(path)")
        }
        guard let bytes = try input.readAll(limit: 1 << 20) else {
            throw Failure("room file \(path) is larger than 1 MiB", status: .malformed)
        }
        do {
            return try RoomFile.decode(bytes)
        } catch {
            throw Failure("room file \(path): \(error.message)", status: .malformed)
        }
    }

    /// A room named on the command line: a room id (looked up in the rooms directory) or the
    /// path of a room file (write `./NAME` for a file whose name looks like an id).
    static func resolve(_ argument: String) throws -> (room: Room, path: String) {
        guard let id = RoomID(argument) else {
            guard Paths.exists(argument) else {
                throw Failure("no room \"\(argument)\": it is neither a room id nor a room file",
                              hint: "'securechat room list' shows your rooms' ids")
            }
            return (try load(file: argument), argument)
        }
        let file = try existingPath(for: id)
        let room = try load(file: file)
        guard room.id == id else { throw Failure("room file \(file) holds room \(room.id), not \(id)", status: .malformed) }
        return (room, file)
    }

    /// The file of room `id`, which must exist.
    static func existingPath(for id: RoomID) throws -> String {
        let file = try path(for: id)
        guard Paths.exists(file) else {
            throw Failure("no room \(id) in \(directory)", hint: "'securechat room list' shows your rooms")
        }
        return file
    }

    /// Room ids for shell completion: the names of the room files, without reading them.
    @Sendable static func completeIDs(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var ids = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".json"), name.hasPrefix(prefix) { ids.append(String(name.dropLast(5))) }
        }
        return ids.sorted()
    }

    /// Every room in the directory, oldest first. Files that cannot be used are reported with a
    /// warning and left out, so one broken file does not hide the others.
    static func all() -> [(room: Room, path: String)] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var rooms = [(room: Room, path: String)]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasSuffix(".json"), RoomID(String(name.dropLast(5))) != nil else { continue }
            do {
                rooms.append((try resolve(String(name.dropLast(5))).room, directory + "/" + name))
            } catch let failure as Failure {
                Diagnostics.warning(failure.message + " (skipped)")
                if let hint = failure.hint, failure.status == .failure { Diagnostics.hint(hint) }
            } catch {
                Diagnostics.warning("\(directory)/\(name): \(error) (skipped)")
            }
        }
        return rooms.sorted { ($0.room.created, $0.room.id.text) < ($1.room.created, $1.room.id.text) }
    }
}
