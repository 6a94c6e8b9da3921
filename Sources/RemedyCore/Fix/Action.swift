/// A built-in action: turns a finding and its strategy's parameters into a `Fix`, reading
/// the repository it is given but writing nothing (Remedy writes the edits).
public protocol Action: Sendable {
    /// The id strategies name it by, e.g. `python.add-wrapper-method`.
    var id: String { get }
    /// How far its fixes may be trusted; a strategy may lower it, never raise it.
    var applicability: Applicability { get }
    /// The parameters it reads, for playbook validation.
    var parameterNames: [String] { get }
    /// Before/after examples and cases where it must not apply, run by the test suite.
    var examples: [ActionExample] { get }
    func makeFix(_ request: ActionRequest) throws -> Fix
    /// The fix, for callers that may wait (external actions run a child process).
    func fix(_ request: ActionRequest) async throws -> Fix
}

extension Action {
    public func fix(_ request: ActionRequest) async throws -> Fix { try makeFix(request) }
}

/// What an action is given: the finding, the resolved parameters, the repository root.
public struct ActionRequest: Sendable {
    public var finding: Finding
    public var parameters: [String: String]
    /// Absolute path of the tree to read (a candidate's worktree, or the repository).
    public var root: String
    /// The project's interpreter, for actions that ask it where a name lives (nil: the
    /// pack's default resolution).
    public var interpreter: String?

    public init(finding: Finding, parameters: [String: String], root: String, interpreter: String? = nil) {
        self.finding = finding
        self.parameters = parameters
        self.root = root
        self.interpreter = interpreter
    }
}

/// An action declining to act, with the reason shown to the user.
public struct ActionRefusal: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The actions available to strategies, by id.
public struct ActionRegistry: Sendable {
    public private(set) var actions: [String: any Action] = [:]

    public init(_ actions: [any Action] = []) {
        for action in actions { self.actions[action.id] = action }
    }

    public func action(_ id: String) -> (any Action)? { actions[id] }
}
