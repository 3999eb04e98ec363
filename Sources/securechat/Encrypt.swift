import ArgumentParser
import SecureChatCore

struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt a message or file with a room key (Fernet token).",
        discussion: """
            With a room key, the output is one Fernet token on one line, readable by Python's \
            cryptography.fernet. Large inputs are encrypted as a stream with flat memory.
            """)

    @OptionGroup var key: KeyOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output ('-' for stdout).", valueName: "file"),
            completion: .file())
    var output: String?

    @Argument(help: ArgumentHelp("The file to encrypt ('-' or none for standard input).", valueName: "input"),
              completion: .file())
    var input: String?

    func run() throws {
        guard let keys = try key.load() else {
            throw Failure("no key given", hint: "pass --key-file FILE, --key-fd N or set SECURECHAT_KEY; make a key with 'securechat keygen --fernet'", status: .usage)
        }
        let source = try InputFile(path: input)
        if input == nil, source.isTerminal {
            Diagnostics.hint("reading the message from the terminal; end it with Ctrl-D")
        }
        try withOutput(try OutputFile(path: output)) { out in
            var stream = FernetEncryptingStream(key: keys[0], now: Clock.now)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try stream.write(UnsafeRawBufferPointer(rebasing: $0[0..<n]), to: out) }
            }
            try stream.finish(to: out)
            try out.write([0x0a])
        }
    }
}
