import Foundation  // canonical decomposition (NFD) only; the executable links Foundation already

/// What a display name looks like, for telling look-alike names apart (docs/formats.md, "Known
/// keys"): two names with the same skeleton are shown alike, so a second member under one is
/// flagged. The skeleton is UTS #39's (NFD, each character mapped to its prototype in Unicode's
/// confusables.txt, NFD again), taken after two steps of our own that the display hides too:
/// default-ignorable code points (zero-width characters, the combining grapheme joiner, variation
/// selectors) are dropped, and runs of white space (a no-break space included) become one space,
/// with none at either end.
public enum NameSkeleton {
    /// The skeleton of `name`, as a string of code points.
    public static func skeleton(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for s in name.decomposedStringWithCanonicalMapping.unicodeScalars {
            if s.properties.isWhitespace || s.properties.generalCategory == .spaceSeparator {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if s.properties.isDefaultIgnorableCodePoint { continue }
            if pendingSpace { scalars.append(" "); pendingSpace = false }
            if let prototype = table[s.value] { scalars.append(contentsOf: prototype) } else { scalars.append(s) }
        }
        return String(scalars).decomposedStringWithCanonicalMapping
    }

    /// Whether two names look alike (the same skeleton) without being the same text.
    public static func looksAlike(_ a: String, _ b: String) -> Bool {
        a != b && skeleton(a) == skeleton(b)
    }

    /// confusables.txt as source code point → prototype, read once from the generated table.
    static let table: [UInt32: [Unicode.Scalar]] = {
        var map = [UInt32: [Unicode.Scalar]](minimumCapacity: 6400)
        for line in confusablesTable.split(separator: "\n") {
            let fields = line.split(separator: " ").compactMap { UInt32($0, radix: 16) }
            guard fields.count >= 2 else { continue }
            map[fields[0]] = fields.dropFirst().compactMap(Unicode.Scalar.init)
        }
        return map
    }()
}
