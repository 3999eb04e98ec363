#if canImport(Glibc)
import Glibc
#endif

/// XDG base-directory locations, overridable with SECURECHAT_* variables.
enum Paths {
    static func env(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }

    static var home: String { env("HOME") ?? "/" }

    /// `$XDG_CONFIG_HOME/securechat` (default `~/.config/securechat`).
    static var configDirectory: String { (env("XDG_CONFIG_HOME") ?? home + "/.config") + "/securechat" }

    /// `$XDG_DATA_HOME/securechat` (default `~/.local/share/securechat`).
    static var dataDirectory: String { (env("XDG_DATA_HOME") ?? home + "/.local/share") + "/securechat" }

    /// The default identity: `$SECURECHAT_IDENTITY`, else `identity.txt` in the config directory.
    static var defaultIdentity: String { env("SECURECHAT_IDENTITY") ?? configDirectory + "/identity.txt" }

    /// `path` as one shell word, so that a hint naming it can be pasted as printed: unchanged
    /// when it holds only characters no shell treats specially, else in single quotes.
    static func shellWord(_ path: String) -> String {
        let plain = path.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789/._-+,:@%".unicodeScalars.contains($0)) }
        return plain && !path.isEmpty ? path : "'" + path.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Creates `path` and its parents with mode 0700 (private directories).
    static func makeDirectory(_ path: String) throws {
        var partial = ""
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            partial += partial.isEmpty && path.hasPrefix("/") ? "/" + part : (partial.isEmpty ? String(part) : "/" + part)
            if part.isEmpty || exists(partial) { continue }
            if mkdir(partial, 0o700) != 0, errno != EEXIST {
                throw Failure("cannot create directory \(partial): \(String(cString: strerror(errno)))")
            }
        }
    }
}
