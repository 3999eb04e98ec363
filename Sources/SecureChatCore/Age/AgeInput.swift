/// Tells binary age input from armored input, and opens the header for reading either way.
enum AgeInput {
    /// Enough to see past the whitespace the armor may start with.
    static let prefixSize = AgeArmor.maxWhitespace + AgeArmor.begin.count + 2

    static func looksLikeAge<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        bytes.starts(with: AgeHeader.magic) || bytes.drop(while: AgeArmor.isWhitespace).starts(with: AgeArmor.begin)
    }

    /// A reader positioned at the first byte of the binary header: `input` itself (buffered) for
    /// a binary file, or the armor decoder over it. Input that starts like neither is a malformed
    /// header. Input that starts with a PEM-like dash line, or has a BEGIN line further on, goes to
    /// the armor decoder, so that a wrong label or what precedes the BEGIN line is reported as an
    /// armor error.
    static func open(_ input: ByteReader) throws -> (reader: AgeBufferedReader, armored: Bool) {
        let buffered = AgeBufferedReader(input)
        let prefix = try buffered.peek(prefixSize)
        if prefix.starts(with: AgeHeader.magic) { return (buffered, false) }
        let armored = prefix.drop(while: AgeArmor.isWhitespace).starts(with: "-----".utf8)
            || contains(prefix, AgeArmor.begin)
        guard armored else { throw AgeError.malformedHeader(prefix.isEmpty ? "file is empty" : "not an age file") }
        return (AgeBufferedReader(AgeArmorReader(buffered)), true)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
