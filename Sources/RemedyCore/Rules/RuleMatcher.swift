import Foundation

/// Matches clusters against rules. Rules are indexed by the exception type they can match,
/// so a cluster meets only its plausible candidates; each candidate is checked cheapest
/// condition first (type, phase, files, frames), then the literal its regex requires, and
/// only then the regex with its limits. The most specific rule wins, ties by priority,
/// then id.
public struct RuleMatcher: Sendable {
    public var rules: [Rule]
    private var byType: [String: [Int]] = [:]
    private var anyType: [Int] = []
    private let repository: RepositoryFiles
    /// Each rule's cheap conditions as plain values (no reference counting in the hot loop):
    /// skip or not, phases as bits, and where its required literal sits in `literals`.
    private var screens: [Screen] = []
    private var literals: [UInt8] = []

    private struct Screen {
        var skip: Bool
        var phases: UInt32
        var literalStart: Int
        var literalCount: Int
    }

    private static func bits(_ phases: [Phase]) -> UInt32 {
        phases.reduce(0) { $0 | (1 << UInt32(Phase.allCases.firstIndex(of: $1)!)) }
    }

    /// `root` is the repository the preconditions look at (default: the current folder).
    public init(rules: [Rule], root: String? = nil) {
        self.rules = rules
        repository = RepositoryFiles(root: root ?? FileManager.default.currentDirectoryPath)
        for (index, rule) in rules.enumerated() {
            let literal = rule.match.messageLiteral ?? rule.match.skipReasonLiteral ?? []
            screens.append(Screen(skip: rule.match.skipReason != nil, phases: Self.bits(rule.match.phases),
                                  literalStart: literals.count, literalCount: literal.count))
            literals += literal
            let types = rule.match.indexTypes
            if types.isEmpty { anyType.append(index) }
            for type in types { byType[type, default: []].append(index) }
        }
    }

    /// Why a rule did or did not match a cluster, for `explain` and for errors.
    public enum Outcome: Sendable {
        case matched(bindings: [String: String])
        case failed(field: String, reason: String)
    }

    public func evaluate(_ rule: Rule, against cluster: Cluster) -> Outcome {
        evaluate(rule, against: cluster, subject: Self.subject(of: cluster))
    }

    /// What a rule's regexes run on: the cluster's message, capped.
    static func subject(of cluster: Cluster) -> String {
        cluster.message.utf8.count <= PCRERegex.subjectLimit ? cluster.message : String(cluster.message.prefix(PCRERegex.subjectLimit))
    }

    private func evaluate(_ rule: Rule, against cluster: Cluster, subject text: String) -> Outcome {
        let match = rule.match
        if match.skipReason != nil, !cluster.isSkip {
            return .failed(field: "skip-reason", reason: "the cause is a failure; a rule with skip-reason matches skipped tests only")
        }
        if match.skipReason == nil, cluster.isSkip {
            return .failed(field: "skip-reason", reason: "the cause is a skip; only a rule with skip-reason matches skipped tests")
        }
        if !match.exceptions.isEmpty, !match.exceptions.contains(cluster.exceptionType) {
            return .failed(field: "exception", reason: "\(cluster.exceptionType) is not one of \(match.exceptions.joined(separator: ", "))")
        }
        if !match.warnings.isEmpty, !(cluster.phases.contains(.warning) && match.warnings.contains(cluster.exceptionType)) {
            return .failed(field: "warning", reason: "the cause is not a warning of category \(match.warnings.joined(separator: ", "))")
        }
        if !match.phases.isEmpty, !cluster.phases.contains(where: match.phases.contains) {
            return .failed(field: "phase", reason: "phase \(cluster.phases.map(\.rawValue).joined(separator: ", ")) is not one of \(match.phases.map(\.rawValue).joined(separator: ", "))")
        }
        // The literals the regexes require, before anything that allocates.
        if let literal = match.messageLiteral, !Self.contains(text, literal) {
            return .failed(field: "message", reason: "the message does not contain '\(String(decoding: literal, as: UTF8.self))', which /\(match.message?.pattern ?? "")/ requires")
        }
        if let literal = match.skipReasonLiteral, !Self.contains(text, literal) {
            return .failed(field: "skip-reason", reason: "the skip reason does not contain '\(String(decoding: literal, as: UTF8.self))', which /\(match.skipReason?.pattern ?? "")/ requires")
        }
        if !match.tests.isEmpty, !cluster.files.contains(where: { file in file.tests > 0 && match.tests.contains { Glob.matches($0, file.path) } }) {
            return .failed(field: "test", reason: "no test file of the cause (\(cluster.files.filter { $0.tests > 0 }.map(\.path).prefix(3).joined(separator: ", "))) matches \(match.tests.joined(separator: ", "))")
        }
        var bindings = ["exception": cluster.exceptionType, "message": cluster.message, "hint": cluster.hint ?? ""]
        if let frame = match.frame {
            var matched = false
            for candidate in cluster.frames {
                if let path = frame.path, !Glob.matches(path, candidate.path) { continue }
                if let function = frame.function {
                    do {
                        guard let found = try function.firstMatch(in: candidate.function ?? "") else { continue }
                        bindings.merge(found.captures) { _, new in new }
                    } catch {
                        return .failed(field: "frame", reason: "rule \(rule.id) (\(rule.file)): \(error)")
                    }
                }
                matched = true
                break
            }
            if !matched {
                return .failed(field: "frame", reason: "no traceback frame matches path \(frame.path ?? "*") and function /\(frame.function?.pattern ?? ".*")/")
            }
        }
        for (field, regex) in [("message", match.message), ("skip-reason", match.skipReason)] {
            guard let regex else { continue }
            do {
                guard let found = try regex.firstMatch(in: text) else {
                    return .failed(field: field, reason: "the \(field == "message" ? "message" : "skip reason") does not match /\(regex.pattern)/")
                }
                bindings.merge(found.captures) { _, new in new }
            } catch {
                return .failed(field: field, reason: "rule \(rule.id) (\(rule.file)): \(error)")
            }
        }
        for glob in match.requiredFiles where !repository.contains(matching: glob) {
            return .failed(field: "preconditions", reason: "no file of the repository matches \(glob)")
        }
        return .matched(bindings: bindings)
    }

    /// Whether `text` contains `literal`, byte for byte (memchr and compare over UTF-8).
    static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { XMLScanner.find(needle, in: $0, from: 0) != nil }
    }

    /// The cheap conditions alone, with no reason built: skip or not, phase, and the
    /// literal the regex requires. `evaluate` checks them again, and the rest.
    @inline(__always)
    private static func screen(_ screen: Screen, isSkip: Bool, phases: UInt32, text: UnsafeBufferPointer<UInt8>,
                               literals: UnsafeBufferPointer<UInt8>) -> Bool {
        if screen.skip != isSkip { return false }
        if screen.phases != 0, screen.phases & phases == 0 { return false }
        guard screen.literalCount > 0 else { return true }
        let needle = UnsafeBufferPointer(rebasing: literals[screen.literalStart..<(screen.literalStart + screen.literalCount)])
        return XMLScanner.find(needle, in: text, from: 0) != nil
    }

    /// The rules a cluster is checked against: those indexed by its type, and those that
    /// match any type, in the rules' order.
    public func candidates(for cluster: Cluster) -> [Int] {
        let typed = byType[cluster.exceptionType] ?? []
        if anyType.isEmpty { return typed }
        if typed.isEmpty { return anyType }
        return (typed + anyType).sorted()
    }

    /// The findings for the clusters, numbered from 1 in cluster order.
    public func findings(for clusters: [Cluster]) -> [Finding] {
        var findings: [Finding] = []
        for cluster in clusters {
            var best: (rule: Rule, bindings: [String: String])? = nil
            var subject = Self.subject(of: cluster)
            let (isSkip, phases) = (cluster.isSkip, Self.bits(cluster.phases))
            let plausible = subject.withUTF8 { text in
                literals.withUnsafeBufferPointer { literals in
                    screens.withUnsafeBufferPointer { screens in
                        candidates(for: cluster).filter { Self.screen(screens[$0], isSkip: isSkip, phases: phases, text: text, literals: literals) }
                    }
                }
            }
            for index in plausible {
                let rule = rules[index]
                guard case let .matched(bindings) = evaluate(rule, against: cluster, subject: subject) else { continue }
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

/// Shell-style globs (`*`, `?`, `[…]`, and `**/` for any folders) over relative paths.
public enum Glob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        if fnmatch(pattern, path, 0) == 0 { return true }
        // "**/x" also matches "x" at the top.
        if pattern.hasPrefix("**/") { return fnmatch(String(pattern.dropFirst(3)), path, 0) == 0 }
        return false
    }
}

/// The repository's files (relative paths, `.git` left out), listed once on first use.
final class RepositoryFiles: @unchecked Sendable {
    private let root: String
    private let lock = NSLock()
    private var files: [String]?

    init(root: String) { self.root = root }

    func contains(matching glob: String) -> Bool {
        let all = lock.withLock {
            if let files { return files }
            var found: [String] = []
            if let walker = FileManager.default.enumerator(atPath: root) {
                while let relative = walker.nextObject() as? String, found.count < 200_000 {
                    if relative == ".git" || relative.hasSuffix("/.git") { walker.skipDescendants(); continue }
                    found.append(relative)
                }
            }
            files = found
            return found
        }
        return all.contains { Glob.matches(glob, $0) }
    }
}
