/// Matches clusters against rules: exception type and phase first (cheap), then the
/// message regex with its limits. The most specific rule wins, ties by priority, then id.
public struct RuleMatcher: Sendable {
    public var rules: [Rule]
    private var byException: [String: [Int]] = [:]
    private var anyException: [Int] = []

    public init(rules: [Rule]) {
        self.rules = rules
        for (index, rule) in rules.enumerated() {
            if rule.match.exceptions.isEmpty { anyException.append(index) }
            for exception in rule.match.exceptions { byException[exception, default: []].append(index) }
        }
    }

    /// Why a rule did or did not match a cluster, for `explain` and for errors.
    public enum Outcome: Sendable {
        case matched(bindings: [String: String])
        case failed(field: String, reason: String)
    }

    public func evaluate(_ rule: Rule, against cluster: Cluster) -> Outcome {
        if !rule.match.exceptions.isEmpty, !rule.match.exceptions.contains(cluster.exceptionType) {
            return .failed(field: "exception", reason: "\(cluster.exceptionType) is not one of \(rule.match.exceptions.joined(separator: ", "))")
        }
        if !rule.match.phases.isEmpty, !cluster.phases.contains(where: rule.match.phases.contains) {
            return .failed(field: "phase", reason: "phase \(cluster.phases.map(\.rawValue).joined(separator: ", ")) is not one of \(rule.match.phases.map(\.rawValue).joined(separator: ", "))")
        }
        var bindings = ["exception": cluster.exceptionType, "message": cluster.message, "hint": cluster.hint ?? ""]
        if let regex = rule.match.message {
            do {
                guard let match = try regex.firstMatch(in: String(cluster.message.prefix(4096))) else {
                    return .failed(field: "message", reason: "the message does not match /\(regex.pattern)/")
                }
                bindings.merge(match.captures) { _, new in new }
            } catch {
                return .failed(field: "message", reason: "rule \(rule.id) (\(rule.file)): \(error)")
            }
        }
        return .matched(bindings: bindings)
    }

    /// The findings for the clusters, numbered from 1 in cluster order.
    public func findings(for clusters: [Cluster]) -> [Finding] {
        var findings: [Finding] = []
        for cluster in clusters {
            let candidates = (byException[cluster.exceptionType] ?? []) + anyException
            var best: (rule: Rule, bindings: [String: String])? = nil
            for index in candidates.sorted() {
                let rule = rules[index]
                guard case let .matched(bindings) = evaluate(rule, against: cluster) else { continue }
                if let current = best {
                    let a = (rule.match.specificity, rule.priority), b = (current.rule.match.specificity, current.rule.priority)
                    if a > b || (a == b && rule.id < current.rule.id) { best = (rule, bindings) }
                } else {
                    best = (rule, bindings)
                }
            }
            if let best {
                findings.append(Finding(number: findings.count + 1, rule: best.rule, cluster: cluster, bindings: best.bindings))
            }
        }
        return findings
    }
}
