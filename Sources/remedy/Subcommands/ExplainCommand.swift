import ArgumentParser
import Foundation
import RemedyCore
import RemedyPython

/// `remedy explain LOG --rule ID | --test ID`: why a rule did or did not match — every rule
/// considered, the field that failed or the bindings, and the strategy that would run.
struct ExplainCommand: InPlaceCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain why a rule matches a failure or not.")

    @Argument(help: ArgumentHelp("pytest output or JUnit XML files.", valueName: "LOG"))
    var logs: [String]

    @Option(name: .long, help: ArgumentHelp("Explain this rule against every cause of the log.", valueName: "ID"))
    var rule: String?

    @Option(name: .long, help: ArgumentHelp("Explain every rule against this test's cause (a node id, or a unique part of one).", valueName: "ID"))
    var test: String?

    @Option(name: .long, help: ArgumentHelp("The project the logs come from (default: the current folder).", valueName: "DIR"))
    var repo: String = "."

    @OptionGroup var probe: ProbeOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if logs.isEmpty { throw ValidationError("give at least one log file") }
        if (rule == nil) == (test == nil) { throw ValidationError("give exactly one of --rule ID or --test ID") }
    }

    /// One rule tried on one cause.
    struct Row: Encodable {
        var rule: String
        var cause: String
        var tests: Int
        var matched: Bool
        var field: String?
        var reason: String?
        var bindings: [String: String]?
        var wins: Bool
        var strategy: String?
        var parameters: [String: String]?
    }

    func runHere() async throws {
        let root = URL(fileURLWithPath: repo).standardizedFileURL.path
        let pack = PythonPack(root: root)
        let run = await probe.reveal(try pack.logReader.read(paths: logs), pack: pack, root: root)
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: root).clusters(of: run)
        let rules = try common.loadRules(pack: pack, configuration: RemedyConfiguration.load(repository: root))
        let matcher = RuleMatcher(rules: rules, root: root)
        let winners = Dictionary(matcher.findings(for: clusters).map { ($0.cluster.signature.hash, $0.rule.id) }, uniquingKeysWith: { a, _ in a })

        var pairs: [(Rule, Cluster)] = []
        if let id = rule {
            guard let chosen = rules.first(where: { $0.id == id }) else {
                throw RemedyError.badInput("no rule '\(id)' (known: \(rules.map(\.id).joined(separator: ", ")))")
            }
            pairs = clusters.map { (chosen, $0) }
        } else if let test {
            let matches = clusters.filter { $0.tests.contains(test) } + clusters.filter { c in !c.tests.contains(test) && c.tests.contains { $0.contains(test) } }
            guard let cluster = matches.first else {
                throw RemedyError.badInput("no failing test '\(test)' in the log (give a node id such as tests/test_x.py::test_y)")
            }
            pairs = rules.map { ($0, cluster) }
        }
        let rows = pairs.map { rule, cluster -> Row in
            let cause = "\(cluster.exceptionType): \(cluster.message)"
            switch matcher.evaluate(rule, against: cluster) {
            case let .matched(bindings):
                let strategy = rule.strategies.first
                return Row(rule: rule.id, cause: cause, tests: cluster.tests.count, matched: true, bindings: bindings,
                           wins: winners[cluster.signature.hash] == rule.id, strategy: strategy.map { "\($0.id) (\($0.action))" },
                           parameters: strategy?.resolvedParameters(bindings))
            case let .failed(field, reason):
                return Row(rule: rule.id, cause: cause, tests: cluster.tests.count, matched: false, field: field, reason: reason, wins: false)
            }
        }
        if common.format == .json {
            Console.output(try JSONOutput.encode(rows) + "\n")
            return
        }
        var out: [String] = []
        for row in rows {
            out.append("\(row.matched ? (row.wins ? "MATCH (chosen)" : "match (a more specific rule wins)") : "no match")  \(row.rule)  ←  \(row.cause) [\(row.tests) test\(row.tests == 1 ? "" : "s")]")
            if let field = row.field, let reason = row.reason { out.append("    \(field): \(reason)") }
            if let bindings = row.bindings {
                out.append("    bindings: " + bindings.keys.sorted().filter { $0 != "message" }.map { "\($0)=\(bindings[$0]!.isEmpty ? "''" : bindings[$0]!)" }.joined(separator: ", "))
            }
            if let strategy = row.strategy, let parameters = row.parameters {
                out.append("    would run \(strategy) with " + parameters.keys.sorted().map { "\($0)=\(parameters[$0]!.isEmpty ? "''" : parameters[$0]!)" }.joined(separator: ", "))
            }
        }
        Console.output(out.joined(separator: "\n") + "\n")
    }
}
