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

    public init(id: String, title: String, description: String? = nil, language: String, match: MatchSpec, strategies: [Strategy], priority: Int = 0, file: String) {
        self.id = id
        self.title = title
        self.description = description
        self.language = language
        self.match = match
        self.strategies = strategies
        self.priority = priority
        self.file = file
    }
}

/// A rule's conditions; every one given must hold.
public struct MatchSpec: Sendable {
    public var exceptions: [String]
    public var message: PCRERegex?
    public var phases: [Phase]

    public init(exceptions: [String], message: PCRERegex?, phases: [Phase]) {
        self.exceptions = exceptions
        self.message = message
        self.phases = phases
    }

    /// How specific the spec is: more conditions win over fewer.
    public var specificity: Int {
        (exceptions.isEmpty ? 0 : 1) + (message == nil ? 0 : 2 + (message!.pattern.count / 16)) + (phases.isEmpty ? 0 : 1)
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
