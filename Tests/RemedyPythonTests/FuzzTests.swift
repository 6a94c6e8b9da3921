import Foundation
import Testing
import RemedyCore
import RemedyTestSupport
@testable import RemedyPython

/// A small, fast, deterministic pseudo-random generator (SplitMix64), so every run of the
/// fuzz test tries the same inputs and a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// Bad input never crashes Remedy: mutated real logs and random bytes go through every
/// reader (an error is fine, a trap is not), and the tokenizer stays lossless on anything.
/// `scripts/fuzz` runs the same for longer (REMEDY_FUZZ_ITERATIONS), outside CI.
@Suite struct FuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["REMEDY_FUZZ_ITERATIONS"] ?? "") ?? 300
    static let seed = UInt64(ProcessInfo.processInfo.environment["REMEDY_FUZZ_SEED"] ?? "") ?? 7

    static let fixtures = ["demo-rA.txt", "demo-xunit1.xml", "demo-xunit2.xml", "grown-rA.txt", "grown-v-tbline.txt",
                           "grown-q-tbnative.txt", "collection-error-rA.txt", "collection-error-xunit1.xml"].map { Fixtures.bytes("pytest/" + $0) }

    /// One mutation of a real log: flipped bytes, a cut, a repeated or deleted chunk,
    /// inserted markup characters, or plain random bytes.
    static func mutate(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let count = bytes.count
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            for _ in 0..<Int.random(in: 1...20, using: &random) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
        case 1:
            bytes = Array(bytes.prefix(Int.random(in: 0...count, using: &random)))
        case 2 where count > 10:
            let start = Int.random(in: 0..<count, using: &random), end = min(count, start + Int.random(in: 1...2000, using: &random))
            bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...count, using: &random))
        case 3 where count > 10:
            let start = Int.random(in: 0..<count, using: &random), end = min(count, start + Int.random(in: 1...2000, using: &random))
            bytes.removeSubrange(start..<end)
        case 4:
            let markup: [UInt8] = Array("<>&\"'/=\n\r\t:;[]_-!?".utf8)
            for _ in 0..<Int.random(in: 1...30, using: &random) {
                bytes.insert(markup.randomElement(using: &random)!, at: Int.random(in: 0...bytes.count, using: &random))
            }
        default:
            bytes = (0..<Int.random(in: 0...4000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        return bytes
    }

    @Test func readersNeverTrapOnMutatedLogs() {
        var random = SplitMix64(state: Self.seed)
        let pack = PythonPack(root: Fixtures.packageRoot + "/demo")
        let reader = pack.logReader
        for _ in 0..<Self.iterations {
            let input = Self.mutate(Self.fixtures.randomElement(using: &random)!, &random)
            if let run = try? reader.read(bytes: input, source: "fuzz") {
                _ = Triage(signatures: pack.signatureMaker).clusters(of: run)
            }
            var accumulator = TriageAccumulator(signatures: pack.signatureMaker)
            _ = JUnitStream(dialect: pack.dialect).stream(bytes: input, source: "fuzz", into: &accumulator)
        }
    }

    @Test func theTokenizerIsLosslessOnAnything() {
        var random = SplitMix64(state: Self.seed &+ 1)
        let sources = ["demo/tests/helpers/auth.py", "demo/app/chat.py", "demo/tests/integration/test_agent_execution_integration.py"]
            .map { [UInt8](FileManager.default.contents(atPath: Fixtures.packageRoot + "/" + $0) ?? Data()) }
        for _ in 0..<Self.iterations {
            let input = Self.mutate(sources.randomElement(using: &random)!, &random)
            let tokens = PythonTokenizer.tokenize(input)
            #expect(tokens.flatMap { input[$0.start..<$0.end] } == input)
            _ = PythonSymbols.read(input)
            _ = PythonSource(bytes: input).imports
        }
    }
}
