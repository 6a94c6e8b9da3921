import Foundation

/// A rule as `PlaybookLoader` read it, in plain values that Swift source can spell out: a
/// binary ships its own playbooks this way, read when they were written, instead of
/// reading their YAML at every start (Yams' first use and the loader's checks took a tenth
/// of a triage). `Rule(compiled:folder:actions:)` makes the rule again.
public struct CompiledRule: Sendable, Equatable {
    /// The rule file's path relative to its playbook folder.
    public var path: String
    public var id: String
    public var title: String
    public var description: String?
    public var language: String
    public var priority: Int
    public var exceptions: [String]
    public var message: String?
    public var phases: [String]
    public var tests: [String]
    public var framePath: String?
    public var frameFunction: String?
    public var skipReason: String?
    public var warningCategories: [String]
    public var requiredFiles: [String]
    public var strategies: [CompiledStrategy]
    public var confidence: String?
    public var references: [String]

    public init(path: String, id: String, title: String, description: String?, language: String, priority: Int, exceptions: [String],
                message: String?, phases: [String], tests: [String], framePath: String?, frameFunction: String?, skipReason: String?,
                warningCategories: [String], requiredFiles: [String], strategies: [CompiledStrategy], confidence: String?, references: [String]) {
        self.path = path
        self.id = id
        self.title = title
        self.description = description
        self.language = language
        self.priority = priority
        self.exceptions = exceptions
        self.message = message
        self.phases = phases
        self.tests = tests
        self.framePath = framePath
        self.frameFunction = frameFunction
        self.skipReason = skipReason
        self.warningCategories = warningCategories
        self.requiredFiles = requiredFiles
        self.strategies = strategies
        self.confidence = confidence
        self.references = references
    }

    /// A loaded rule's values; its file must lie in `folder`.
    public init(rule: Rule, folder: String) {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        self.init(path: rule.file.hasPrefix(prefix) ? String(rule.file.dropFirst(prefix.count)) : rule.file,
                  id: rule.id, title: rule.title, description: rule.description, language: rule.language, priority: rule.priority,
                  exceptions: rule.match.exceptions, message: rule.match.message?.pattern, phases: rule.match.phases.map(\.rawValue),
                  tests: rule.match.tests, framePath: rule.match.frame?.path, frameFunction: rule.match.frame?.function?.pattern,
                  skipReason: rule.match.skipReason?.pattern, warningCategories: rule.match.warnings, requiredFiles: rule.match.requiredFiles,
                  strategies: rule.strategies.map {
                      CompiledStrategy(id: $0.id, action: $0.action, parameters: $0.parameters, applicability: $0.applicability?.rawValue)
                  },
                  confidence: rule.metadata.confidence?.rawValue, references: rule.metadata.references)
    }
}

/// One strategy of a `CompiledRule`.
public struct CompiledStrategy: Sendable, Equatable {
    public var id: String
    public var action: String
    public var parameters: [String: String]
    public var applicability: String?

    public init(id: String, action: String, parameters: [String: String], applicability: String?) {
        self.id = id
        self.action = action
        self.parameters = parameters
        self.applicability = applicability
    }
}

extension Rule {
    /// The rule a `CompiledRule` holds, its file in `folder`: its regexes compiled, its
    /// external actions found beside the file. Throws when that fails, or an action is
    /// neither external nor in `actions` — then the YAML is read for the error.
    public init(compiled: CompiledRule, folder: String, actions: ActionRegistry) throws {
        let file = folder + "/" + compiled.path
        let problem = RemedyError.badInput("\(file): differs from the rule it was compiled from; read the YAML")
        let frame: FrameCondition? = compiled.framePath == nil && compiled.frameFunction == nil
            ? nil : FrameCondition(path: compiled.framePath, function: try compiled.frameFunction.map { try PCRERegex($0) })
        var phases: [Phase] = []
        for name in compiled.phases {
            guard let phase = Phase(rawValue: name) else { throw problem }
            phases.append(phase)
        }
        var strategies: [Strategy] = []
        for strategy in compiled.strategies {
            var applicability: Applicability? = nil
            if let name = strategy.applicability {
                guard let value = Applicability(rawValue: name) else { throw problem }
                applicability = value
            }
            var external: ExternalAction? = nil
            if actions.action(strategy.action) == nil {
                let (found, _) = ExternalAction.resolve(strategy.action, playbookFolder: (file as NSString).deletingLastPathComponent)
                guard let found else { throw problem }
                external = found
            }
            strategies.append(Strategy(id: strategy.id, action: strategy.action, parameters: strategy.parameters, applicability: applicability,
                                       external: external))
        }
        var metadata = RuleMetadata(references: compiled.references)
        if let confidence = compiled.confidence {
            guard let value = RuleMetadata.Confidence(rawValue: confidence) else { throw problem }
            metadata.confidence = value
        }
        self.init(id: compiled.id, title: compiled.title, description: compiled.description, language: compiled.language,
                  match: MatchSpec(exceptions: compiled.exceptions, message: try compiled.message.map { try PCRERegex($0) }, phases: phases,
                                   tests: compiled.tests, frame: frame, skipReason: try compiled.skipReason.map { try PCRERegex($0) },
                                   warnings: compiled.warningCategories, requiredFiles: compiled.requiredFiles),
                  strategies: strategies, priority: compiled.priority, metadata: metadata, file: file)
    }
}
