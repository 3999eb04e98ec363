import ArgumentParser
import SecureChatCore
import SecureChatQR
#if canImport(Glibc)
import Glibc
#endif

struct InviteQR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite-qr",
        abstract: "Draw an invite link as a QR code: PNG, SVG or terminal text.",
        discussion: """
            The link comes from the argument, from standard input (no argument or '-'; \
            surrounding whitespace is ignored), or from a room file with --room. An open room's \
            link carries its key, and arguments are visible to other users (ps): prefer stdin \
            or --room. The link must be a valid invite (docs/invite.md) unless --raw is given.

            Format (-t): png; svg; utf8 (Unicode half blocks, two module rows per line, so a \
            typical invite fits an 80-column terminal; ink on the light modules, for \
            light-on-dark terminals, --inverted for dark-on-light); ansi (black and white \
            background colours, on a terminal only: elsewhere, with NO_COLOR set or \
            TERM=dumb, it falls back to utf8); ascii ('#' and spaces). Without -t: from the \
            name given to -o (.png, .svg; .txt is utf8), otherwise utf8. PNG is never written \
            to a terminal.

            Like qrencode: -l error correction (default M), -s pixels per module (PNG, SVG; \
            default 3), -m margin in modules (default 4 for PNG and SVG, 2 for text), \
            --foreground/--background RRGGBB[AA] (PNG, SVG). The same link and options always \
            give the same bytes. -o FILE appears only once complete.

            Exit status: 0 success; 1 an I/O error, no such room, a room file others can \
            read, PNG refused on a terminal; 2 an empty, malformed or too long link, a \
            malformed room file; 64 usage errors, bad option values included.
            """)

    enum Format: String, CaseIterable {
        case png, svg, utf8, ansi, ascii
        static let names = allCases.map(\.rawValue).joined(separator: ", ")
    }

    @Argument(help: ArgumentHelp("The invite link ('-' or none: standard input).", valueName: "link"))
    var link: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Draw the invite of room ID or room FILE.", valueName: "id|file"), completion: .custom(RoomStore.completeIDs))
    var room: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE ('-' for standard output).", valueName: "file"),
            completion: .file(extensions: ["png", "svg", "txt"]))
    var output: String?

    @Option(name: [.customShort("t"), .long], help: ArgumentHelp("png, svg, utf8, ansi or ascii.", valueName: "type"))
    var type: String?

    @Option(name: [.customShort("l"), .long], help: "Error correction: L (7%), M (15%), Q (25%) or H (30%).")
    var level = QRErrorCorrection.medium

    @Option(name: [.customShort("s"), .long], help: ArgumentHelp("Pixels per module (PNG, SVG).", valueName: "n"))
    var size = QRStyle.standard.moduleSize

    @Option(name: [.customShort("m"), .long], help: ArgumentHelp("Quiet zone width in modules.", valueName: "n"))
    var margin: Int?

    @Option(help: ArgumentHelp("Colour of dark modules (PNG, SVG).", valueName: "rrggbb[aa]"))
    var foreground: String?

    @Option(help: ArgumentHelp("Colour of light modules (PNG, SVG).", valueName: "rrggbb[aa]"))
    var background: String?

    @Flag(help: "Text formats: ink on the dark modules, for dark-on-light terminals.")
    var inverted = false

    @Flag(help: "Encode any text, not only a valid invite link.")
    var raw = false

    func validate() throws {
        if link != nil, room != nil { throw ValidationError("give a LINK or --room, not both") }
        let format = try self.format()
        if foreground != nil || background != nil, format != .png, format != .svg {
            throw ValidationError("--foreground and --background apply to png and svg only")
        }
    }

    /// -t, else the output file's extension, else utf8.
    func format() throws -> Format {
        if let type {
            guard let f = Format(rawValue: type.lowercased()) else {
                throw ValidationError("unknown format '\(type)'; use one of \(Format.names)")
            }
            return f
        }
        guard let output, output != "-" else { return .utf8 }
        let lower = output.lowercased()
        if lower.hasSuffix(".png") { return .png }
        if lower.hasSuffix(".svg") { return .svg }
        if lower.hasSuffix(".txt") { return .utf8 }
        throw ValidationError("cannot tell the format from the name '\(output)'; give -t with one of \(Format.names)")
    }

    func run() throws {
        let text = try linkText()
        let parsed = raw ? nil : try InviteLink(parsing: text)
        if parsed?.key != nil, let link, link != "-", isatty(2) == 1 {
            Diagnostics.warning("this link carries the room key, and other users can see command-line arguments")
            Diagnostics.hint("pipe the link in, or use --room ID")
        }
        let code = try QRCode(encoding: text, level: level)
        var format = try self.format()
        // A picture of an open room's link is as secret as the room key it carries.
        let out = try OutputFile(path: output, mode: parsed?.key != nil ? 0o600 : 0o666)
        if format == .png, out.isTerminal {
            throw Failure("refusing to write PNG data to the terminal", hint: "use -o FILE.png, or pipe the output")
        }
        if format == .ansi, !out.isTerminal || Paths.env("NO_COLOR") != nil || Paths.env("TERM") == "dumb" { format = .utf8 }

        let bytes: [UInt8]
        switch format {
        case .png, .svg:
            let style = try QRStyle(moduleSize: size, margin: margin ?? QRStyle.standard.margin,
                                    foreground: try foreground.map(RGBAColor.init(hex:)) ?? .black,
                                    background: try background.map(RGBAColor.init(hex:)) ?? .white)
            bytes = format == .png ? try PNGRenderer.render(code, style: style) : Array(SVGRenderer.render(code, style: style).utf8)
        case .utf8, .ansi, .ascii:
            _ = try QRStyle(margin: margin ?? 2) // the same range check as for images
            let mode: TerminalRenderer.Mode = format == .ansi ? .ansi : format == .ascii ? .ascii : .utf8
            bytes = Array(TerminalRenderer.render(code, mode: mode, inverted: inverted, margin: margin ?? 2).utf8)
        }
        try withOutput(out) { try $0.write(bytes) }
    }

    /// The link from the argument, a room file or standard input.
    private func linkText() throws -> String {
        if let room {
            let (room, _) = try RoomStore.resolve(room)
            if room.isExpired(now: Clock.now) {
                Diagnostics.warning("room \(room.id) expired at \(Timestamp.format(room.expires)); its invite no longer works")
            }
            return room.invite.text
        }
        if let link, link != "-" { return link }
        let input = try InputFile(path: nil)
        if input.isTerminal { Diagnostics.hint("reading the link from the terminal; end it with Ctrl-D") }
        guard let bytes = try input.readAll(limit: 1 << 16) else {
            throw Failure("standard input holds more than 64 KiB; no QR code holds that much", status: .malformed)
        }
        return String(decoding: bytes, as: UTF8.self).trimmingASCIIWhitespace()
    }
}

extension QRErrorCorrection: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
    public var defaultValueDescription: String { rawValue }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
