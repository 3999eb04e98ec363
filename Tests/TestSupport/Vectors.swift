import Foundation

/// Where the conformance vectors live: `$SECURECHAT_VECTORS`, or `Tests/Vectors` in the
/// repository (see its README for where each set comes from).
public enum Vectors {
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    public static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["SECURECHAT_VECTORS"] {
            return URL(fileURLWithPath: env)
        }
        return repositoryRoot.appendingPathComponent("Tests/Vectors")
    }()

    public static func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    public static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(relative)))
    }
}

public func hex(_ s: String) -> [UInt8] {
    var out = [UInt8]()
    var it = s.utf8.makeIterator()
    while let a = it.next(), let b = it.next() {
        out.append(UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16)!)
    }
    return out
}

public func hexString(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

/// Wycheproof's JSON layout: groups of tests, each with a `result` of valid, invalid or acceptable.
public struct WycheproofCase {
    public let group: [String: Any]
    public let test: [String: Any]
    public var id: Int { test["tcId"] as! Int }
    public var result: String { test["result"] as! String }
    public func bytes(_ key: String) -> [UInt8] { hex(test[key] as? String ?? "") }
    public func groupBytes(_ key: String) -> [UInt8] { hex(group[key] as? String ?? "") }
}

public func wycheproof(_ name: String) throws -> [WycheproofCase] {
    let root = try Vectors.json("wycheproof/\(name).json") as! [String: Any]
    var cases = [WycheproofCase]()
    for g in root["testGroups"] as! [[String: Any]] {
        for t in g["tests"] as! [[String: Any]] { cases.append(WycheproofCase(group: g, test: t)) }
    }
    return cases
}

/// Counts outcomes so each suite can state how many cases ran.
public struct Tally: CustomStringConvertible {
    public var valid = 0, invalid = 0, acceptable = 0, failures: [String] = []
    /// Cases outside what the module offers (e.g. AES-192), by reason.
    public var skipped: [String: Int] = [:]
    public init() {}
    public var total: Int { valid + invalid + acceptable + failures.count + skipped.values.reduce(0, +) }
    public mutating func skip(_ reason: String) { skipped[reason, default: 0] += 1 }
    public var description: String {
        let skips = skipped.isEmpty ? "" : ", skipped " + skipped.sorted { $0.key < $1.key }.map { "\($0.value) (\($0.key))" }.joined(separator: ", ")
        return "\(total) cases: \(valid) valid passed, \(invalid) invalid rejected, \(acceptable) acceptable, \(failures.count) failures\(skips)"
    }

    /// Records one case: `outcome` is nil on success (decrypted/verified and matched), or the error.
    public mutating func record(_ c: WycheproofCase, succeeded: Bool, acceptable: (Bool) -> Bool = { _ in true }) {
        switch c.result {
        case "valid": if succeeded { valid += 1 } else { failures.append("tcId \(c.id) valid but failed") }
        case "invalid": if !succeeded { invalid += 1 } else { failures.append("tcId \(c.id) invalid but passed") }
        default: if acceptable(succeeded) { self.acceptable += 1 } else { failures.append("tcId \(c.id) acceptable mishandled") }
        }
    }
}
