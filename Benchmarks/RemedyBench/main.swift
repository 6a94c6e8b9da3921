import Foundation
import RemedyCore
import RemedyPython

// remedy-bench match [FAILURES] [RULES]: 10,000 failures x 1,000 rules by default, matched
// by RuleMatcher (indexed by type, literal prefilters) and by the naive all-pairs loop
// (every rule evaluated on every failure), in the same run; prints both and the ratio.

// Top-level code runs on the main actor; the benchmark is one function called from it.
@MainActor func benchmark() throws {
let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "stream" { return try streamBenchmark(Array(arguments.dropFirst())) }
guard arguments.first == "match" else {
    FileHandle.standardError.write(Data("usage: remedy-bench match [FAILURES] [RULES] | remedy-bench stream REPORT [RUNS]\n".utf8))
    exit(2)
}
let failureCount = arguments.dropFirst().first.flatMap { Int($0) } ?? 10_000
let ruleCount = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 1_000

/// Exception types seen in real suites, each with message shapes a rule can target.
struct Shape {
    var type: String
    /// The rule's message regex for a family number.
    var rule: (Int) -> String
    /// A message of a family, for the n-th failure.
    var message: (Int, Int) -> String
    init(_ type: String, _ rule: @escaping (Int) -> String, _ message: @escaping (Int, Int) -> String) {
        self.type = type
        self.rule = rule
        self.message = message
    }
}
let shapes: [Shape] = [
    Shape("AttributeError", { "^'(?<class>\\\\w+)' object has no attribute 'helper_\($0)_(?<name>\\\\w+)'$" },
     { "'Client\($1)' object has no attribute 'helper_\($0)_token'" }),
    Shape("AttributeError", { "^module '(?<module>[\\\\w.]+)' has no attribute 'legacy_\($0)'$" },
     { "module 'pkg\($1).util' has no attribute 'legacy_\($0)'" }),
    Shape("ModuleNotFoundError", { "^No module named '(?<module>app\($0)(\\\\.\\\\w+)*)'$" },
     { "No module named 'app\($0).services.s\($1)'" }),
    Shape("ImportError", { "^cannot import name '(?<name>Thing\($0))' from '(?<module>[\\\\w.]+)'" },
     { "cannot import name 'Thing\($0)' from 'lib\($1).core' (/site-packages/lib/core.py)" }),
    Shape("TypeError", { "^(?<function>\\\\w+)\\\\(\\\\) got an unexpected keyword argument 'option_\($0)'$" },
     { family, _ in "configure() got an unexpected keyword argument 'option_\(family)'" }),
    Shape("KeyError", { "^'setting_\($0)_(?<key>\\\\w+)'$" }, { "'setting_\($0)_timeout\($1)'" }),
    Shape("ValueError", { "^invalid literal for int\\\\(\\\\) with base 10: 'value_\($0)'$" },
     { family, _ in "invalid literal for int() with base 10: 'value_\(family)'" }),
    Shape("DeprecationWarning", { "^(?<old>[\\\\w.]+) is deprecated; use (?<new>[\\\\w.]+) \\\\(since \($0)\\\\)$" },
     { "pkg.old\($1) is deprecated; use pkg.new\($1) (since \($0))" }),
]

let pack = PythonPack()
let loader = PlaybookLoader(actions: pack.actionRegistry)
var rules: [Rule] = []
for n in 0..<ruleCount {
    let shape = shapes[n % shapes.count]
    let family = n / shapes.count
    let id = "python.bench-\(n)"
    let text = """
        schema: remedy/v1
        id: \(id)
        title: Bench \(n)
        match:
          exception: \(shape.type)
          message: "\(shape.rule(family))"
        strategies:
          - id: report
            action: python.add-wrapper-method
            applicability: display-only
        """
    rules.append(try loader.load(text: text, file: "bench/\(id).yml"))
}

// Failures: a quarter match some rule, the rest are the same shapes with other numbers
// (the regex must run, or the literal must say no) or other types.
var clusters: [Cluster] = []
/// A fixed-seed generator, so every run matches the same failures.
struct Sequence64 {
    var state: UInt64 = 7
    mutating func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
}
var random = Sequence64()
for n in 0..<failureCount {
    let shape = shapes[random.next() % shapes.count]
    let families = max(1, ruleCount / shapes.count)
    let family = n % 4 == 0 ? random.next() % families : families + random.next() % 10_000
    let message = shape.message(family, n)
    let type = n % 10 == 9 ? "RuntimeError" : shape.type
    let phases: [Phase] = type == "DeprecationWarning" ? [.warning] : [.call]
    clusters.append(Cluster(signature: Signature(kind: type, template: message, parameters: [:]), exceptionType: type, message: message, hint: nil,
                            phases: phases, tests: ["tests/test_\(n).py::test"], outcomes: ["failed": 1],
                            files: [FileImpact(path: "tests/test_\(n).py", tests: 1, callSites: 0)], example: "tests/test_\(n).py::test", frames: []))
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let matcher = RuleMatcher(rules: rules)
var indexed: [Finding] = []
let indexedTime = seconds { indexed = matcher.findings(for: clusters) }

// The naive loop: every rule evaluated on every failure, the best kept as RuleMatcher does.
var naive: [String] = []
let naiveTime = seconds {
    for cluster in clusters {
        var best: Rule? = nil
        for rule in rules {
            guard case .matched = matcher.evaluate(rule, against: cluster) else { continue }
            if let current = best {
                let a = (rule.match.specificity, rule.priority), b = (current.match.specificity, current.priority)
                if a > b || (a == b && rule.id < current.id) { best = rule }
            } else {
                best = rule
            }
        }
        if let best { naive.append(best.id) }
    }
}
let same = indexed.map(\.rule.id) == naive
print("matching \(failureCount) failures x \(ruleCount) rules: naive all-pairs \(String(format: "%.3f", naiveTime)) s, "
      + "remedy \(String(format: "%.3f", indexedTime)) s, ratio \(String(format: "%.1f", naiveTime / indexedTime))x  "
      + "(\(indexed.count) findings, \(same ? "same as the naive loop" : "DIFFERENT from the naive loop"))")
if !same { exit(1) }
}

try benchmark()
