import Foundation

/// One rule of a playbook: which failures it matches and the ordered strategies that fix
/// them. Loaded from `playbooks/<language>/<id>.yml` (schema `remedy/v1`).
public struct Rule: Sendable {
    public var id: String
    public var title: String
    public var description: String?
    public var language: String
    public var match: MatchSpec
    public var strategies: [Strategy]
    public var priority: Int
    /// The file the rule was read from.
    public var file: String
    /// How sure the author is that the fix is right, and where the breakage is documented.
    public var metadata: RuleMetadata
    /// What `playbooks lint` warns about (file:line:column: what), found while loading.
    public var warnings: [String] = []

    public init(id: String, title: String, description: String? = nil, language: String, match: MatchSpec, strategies: [Strategy], priority: Int = 0,
                metadata: RuleMetadata = RuleMetadata(), file: String) {
        self.id = id
        self.title = title
        self.description = description
        self.language = language
        self.match = match
        self.strategies = strategies
        self.priority = priority
        self.metadata = metadata
        self.file = file
    }
}

/// A rule's `metadata`: the author's confidence and references (changelogs, issues).
public struct RuleMetadata: Sendable, Codable {
    public enum Confidence: String, Sendable, Codable, CaseIterable { case high, medium, low }
    public var confidence: Confidence?
    public var references: [String]

    public init(confidence: Confidence? = nil, references: [String] = []) {
        self.confidence = confidence
        self.references = references
    }
}

/// A rule's conditions; every one given must hold. A rule with `skipReason` matches
/// skip clusters only (by the reason the run gave); every other rule matches failures and
/// warnings only.
public struct MatchSpec: Sendable {
    public var exceptions: [String]
    public var message: PCRERegex?
    public var phases: [Phase]
    /// Globs over the test files that show the cause (`tests/api/*.py`); one must match.
    public var tests: [String]
    /// A traceback frame that must be present: its path glob and function regex.
    public var frame: FrameCondition?
    public var skipReason: PCRERegex?
    /// Warning categories (`DeprecationWarning`): the cause must be a warning of one.
    public var warnings: [String]
    /// Globs over the repository's files; each must match at least one file.
    public var requiredFiles: [String]
    /// Text every match of `message` contains, checked before the regex runs.
    public let messageLiteral: [UInt8]?
    public let skipReasonLiteral: [UInt8]?

    public init(exceptions: [String], message: PCRERegex?, phases: [Phase], tests: [String] = [], frame: FrameCondition? = nil,
                skipReason: PCRERegex? = nil, warnings: [String] = [], requiredFiles: [String] = []) {
        self.exceptions = exceptions
        self.message = message
        self.phases = phases
        self.tests = tests
        self.frame = frame
        self.skipReason = skipReason
        self.warnings = warnings
        self.requiredFiles = requiredFiles
        messageLiteral = message.flatMap { RegexInspection.requiredLiteral(in: $0.pattern) }.map { Array($0.utf8) }
        skipReasonLiteral = skipReason.flatMap { RegexInspection.requiredLiteral(in: $0.pattern) }.map { Array($0.utf8) }
    }

    /// How specific the spec is: more conditions win over fewer.
    public var specificity: Int {
        var score = (exceptions.isEmpty ? 0 : 1) + (phases.isEmpty ? 0 : 1) + (tests.isEmpty ? 0 : 1) + (frame == nil ? 0 : 1)
        score += warnings.isEmpty ? 0 : 1
        score += requiredFiles.isEmpty ? 0 : 1
        for regex in [message, skipReason].compactMap({ $0 }) { score += 2 + regex.pattern.utf8.count / 16 }
        return score
    }

    /// The exception types the spec can match (warnings are clusters of their category);
    /// empty when any type can.
    var indexTypes: [String] {
        if skipReason != nil { return [Failure.skippedType] }
        if exceptions.isEmpty { return warnings }
        if warnings.isEmpty { return exceptions }
        return exceptions.filter(warnings.contains)
    }
}

/// A `match.frame` condition: some frame of the cause's traceback has a path matching
/// the glob and a function matching the regex (either may be left out).
public struct FrameCondition: Sendable {
    public var path: String?
    public var function: PCRERegex?

    public init(path: String?, function: PCRERegex?) {
        self.path = path
        self.function = function
    }
}

/// One way to fix what a rule matched: an action and its parameters (templates over the
/// rule's captures and `${hint}`), with an applicability that may only lower the action's.
public struct Strategy: Sendable {
    public var id: String
    public var action: String
    public var parameters: [String: String]
    public var applicability: Applicability?
    /// The out-of-process action, resolved when the playbook was read (`exec:`, `ext:`).
    public var external: ExternalAction?

    public init(id: String, action: String, parameters: [String: String], applicability: Applicability? = nil, external: ExternalAction? = nil) {
        self.id = id
        self.action = action
        self.parameters = parameters
        self.applicability = applicability
        self.external = external
    }

    /// The action's applicability, lowered by the strategy's own when it says so.
    public func applicability(of action: any Action) -> Applicability {
        min(action.applicability, applicability ?? action.applicability)
    }

    /// The action that runs this strategy: the external one, or the registry's.
    public func resolve(in registry: ActionRegistry) -> (any Action)? { external ?? registry.action(action) }

    /// The parameters with `${name}` replaced by the bindings (unknown names become empty).
    public func resolvedParameters(_ bindings: [String: String]) -> [String: String] {
        parameters.mapValues { Template.expand($0, bindings) }
    }
}

/// `${name}` templates in strategy parameters.
public enum Template {
    /// The names a template refers to.
    public static func names(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            names.append(String(rest[open.upperBound..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    public static func expand(_ text: String, _ bindings: [String: String]) -> String {
        var result = text
        for name in names(in: text) {
            result = result.replacingOccurrences(of: "${\(name)}", with: bindings[name] ?? "")
        }
        return result
    }
}

/// A cluster a rule matched, numbered for `--finding N`, with the bindings its strategies
/// are expanded with (the message's named captures, `hint`, `exception`, `message`).
public struct Finding: Sendable {
    public var number: Int
    public var rule: Rule
    public var cluster: Cluster
    public var bindings: [String: String]

    public init(number: Int, rule: Rule, cluster: Cluster, bindings: [String: String]) {
        self.number = number
        self.rule = rule
        self.cluster = cluster
        self.bindings = bindings
    }
}
