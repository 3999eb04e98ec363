/// An age recipients file (`-R`): one `age1…` recipient per line, `#` comments and blank lines
/// ignored.
public enum AgeRecipientsFile {
    /// The recipients in `text`, in order. A bad line fails the whole file, naming its line.
    public static func parse(_ text: String) throws(AgeError) -> [AgeRecipient] {
        var recipients = [AgeRecipient]()
        for entry in AgeKeyFileLines.entries(text) {
            do {
                recipients.append(try AgeRecipient(string: entry.text))
            } catch {
                guard case .invalidRecipient(let reason) = error else { throw error }
                throw .malformedRecipientsFile(line: entry.line, reason: reason)
            }
        }
        guard !recipients.isEmpty else { throw .noRecipients }
        return recipients
    }
}
