import Foundation
import SecureChatCrypto
import SecureChatFuzzTargets

// The fuzz driver. Under libFuzzer (built by `scripts/fuzz` with `-sanitize=fuzzer,address
// -parse-as-library -D FUZZING`) libFuzzer owns `main` and calls the entry point below with each
// input; the target is named by $SECURECHAT_FUZZ_TARGET. Built normally, it replays files:
//
//     securechat-fuzz TARGET FILE...
//
// and exits 1 when an input breaks a property (a trap shows as a crash either way).

/// The target named by the environment, looked up on first use.
enum Driver {
    static let target: FuzzTargets.Target = {
        let name = ProcessInfo.processInfo.environment["SECURECHAT_FUZZ_TARGET"] ?? ""
        guard let t = FuzzTargets.all[name] else {
            FileHandle.standardError.write(Data("securechat-fuzz: set SECURECHAT_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
            exit(64)
        }
        return t
    }()
}

/// Before fuzzing starts: with $SECURECHAT_FUZZ_SEEDS set, the target's seeds are written into
/// that directory (the corpus), one file each, named by content so that reruns add nothing.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    let env = ProcessInfo.processInfo.environment
    _ = Driver.target
    if let dir = env["SECURECHAT_FUZZ_SEEDS"], let name = env["SECURECHAT_FUZZ_TARGET"] {
        for seed in FuzzTargets.seeds(name) {
            let file = URL(fileURLWithPath: dir).appendingPathComponent("seed-" + SHA256.hash(seed).prefix(8).map { String(format: "%02x", $0) }.joined())
            _ = FileManager.default.createFile(atPath: file.path, contents: Data(seed))
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try Driver.target(bytes)
    } catch {
        // libFuzzer saves the input that got here as a crash.
        fatalError("property broken: \(error)")
    }
    return 0
}

#if FUZZING
/// libFuzzer's driver, for a program that has a `main` of its own: SwiftPM names this module's
/// entry point `securechat_fuzz_main` and makes it the program's `main`, so libFuzzer's own
/// `main` is not linked in and this one hands over to the driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("securechat_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzOne)
}
#else
/// Built without libFuzzer: replays files through a target.
@main
enum Replay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
        guard let name = args.first, let replay = FuzzTargets.all[name] else {
            FileHandle.standardError.write(Data("usage: securechat-fuzz TARGET FILE... (targets: \(FuzzTargets.names.joined(separator: ", ")))\n".utf8))
            exit(64)
        }
        var broken = 0
        for path in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("securechat-fuzz: cannot read \(path)\n".utf8))
                exit(1)
            }
            do {
                try replay(Array(data))
            } catch {
                broken += 1
                FileHandle.standardError.write(Data("\(path): \(error)\n".utf8))
            }
        }
        exit(broken == 0 ? 0 : 1)
    }
}
#endif
