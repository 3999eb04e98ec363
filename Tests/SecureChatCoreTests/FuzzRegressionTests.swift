import Foundation
import SecureChatFuzzTargets
import Testing
import TestSupport

/// Every fuzz target, run on its seeds and on every input a fuzzer has found
/// (`Tests/FuzzRegressions/TARGET/`, one file per input, added by `scripts/fuzz`): no input may
/// break a property of the target (a trap would end the test run, which fails it too).
struct FuzzRegressionTests {
    static func found(_ target: String) throws -> [URL] {
        let dir = Vectors.repositoryRoot.appendingPathComponent("Tests/FuzzRegressions/\(target)")
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test(arguments: FuzzTargets.names)
    func seedsAndFoundInputsKeepTheProperties(_ target: String) throws {
        let run = try #require(FuzzTargets.all[target])
        let seeds = FuzzTargets.seeds(target)
        #expect(!seeds.isEmpty, "every target has seeds")
        var inputs = seeds.enumerated().map { ("seed \($0.offset)", $0.element) }
        for url in try Self.found(target) { inputs.append((url.lastPathComponent, Array(try Data(contentsOf: url)))) }
        for (what, bytes) in inputs {
            do { try run(bytes) } catch { Issue.record("\(target), \(what): \(error)") }
        }
    }

    /// The seeds are valid inputs: each parser accepts them (so the round-trip properties are
    /// exercised from the first run, not only once the fuzzer finds a valid input).
    @Test func seedsAreAccepted() {
        #expect(FuzzTargets.names.count == 14)
        for target in FuzzTargets.names {
            for (i, seed) in FuzzTargets.seeds(target).enumerated() {
                #expect(FuzzTargets.accepts(target, seed), "\(target) seed \(i)")
            }
        }
    }
}
