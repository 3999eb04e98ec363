import Foundation
import Testing

/// Runs the decoders the round-trip tests trust as an independent referee.
enum ExternalTools {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Decodes the QR code in a PNG with `zbarimg --raw -q`; returns its text without the
    /// trailing newline zbarimg adds. stderr is discarded (zbarimg warns about D-Bus).
    static func zbarDecode(png: [UInt8]) throws -> String {
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("code.png")
            try Data(png).write(to: file)
            return try decode(file)
        }
    }

    /// Rasterises an SVG with `rsvg-convert` on a white background, then decodes it.
    static func zbarDecode(svg: String) throws -> String {
        try withTemporaryDirectory { dir in
            let input = dir.appendingPathComponent("code.svg")
            let output = dir.appendingPathComponent("code.png")
            try Data(svg.utf8).write(to: input)
            let (status, _) = try run("rsvg-convert", ["-b", "white", "-o", output.path, input.path])
            guard status == 0 else { throw Failure(description: "rsvg-convert exited with \(status)") }
            return try decode(output)
        }
    }

    private static func decode(_ file: URL) throws -> String {
        let (status, out) = try run("zbarimg", ["--raw", "-q", file.path])
        guard status == 0 else { throw Failure(description: "zbarimg found no code (exit \(status))") }
        var text = String(decoding: out, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Runs `tool` found on PATH; returns its exit status and stdout.
    static func run(_ tool: String, _ arguments: [String]) throws -> (Int32, Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run \(tool): \(error)")
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw Failure(description: "\(tool) is not installed (zbar-tools, librsvg2-bin)")
        }
        return (process.terminationStatus, data)
    }

    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("securechat-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }
}
