import Foundation
import Yams

/// Reads playbook rules (schema `remedy/v1`) from YAML as `Yams.Node`s, so that every
/// error names the file, line and column and what was expected. Unknown keys are errors.
public struct PlaybookLoader: Sendable {
    public var actions: ActionRegistry

    public init(actions: ActionRegistry) { self.actions = actions }

    /// A playbook error: where, and what to do.
    public static func error(_ file: String, _ node: Node?, _ message: String) -> RemedyError {
        let mark = node?.mark.map { "\($0.line):\($0.column)" } ?? "1:1"
        return .badInput("\(file):\(mark): \(message)")
    }

    /// Every `*.yml` rule under the folders (recursively); ids must be unique.
    public func load(folders: [String]) throws -> [Rule] {
        try load(folders: folders, loaded: [:])
    }

    /// The same, taking the rules of the folders in `loaded` as already read (by this
    /// loader's actions) rather than reading those folders again.
    public func load(folders: [String], loaded: [String: [Rule]]) throws -> [Rule] {
        var rules: [Rule] = []
        var seen: [String: String] = [:]
        func add(_ rule: Rule) throws {
            if let other = seen[rule.id] {
                throw RemedyError.badInput("\(rule.file): duplicate rule id '\(rule.id)' (also in \(other)); rename one")
            }
            seen[rule.id] = rule.file
            rules.append(rule)
        }
        for folder in folders {
            if let known = loaded[folder] {
                for rule in known { try add(rule) }
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw RemedyError.badInput("\(folder): no such playbook folder")
            }
            for path in PlaybookLoader.ruleFiles(in: folder) {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw RemedyError.badInput("\(path): cannot be read")
                }
                try add(try load(text: String(decoding: data, as: UTF8.self), file: path))
            }
        }
        return rules
    }

    /// A rule file is a `.yml`/`.yaml` file that is not inside a rule's example folder.
    static func isRuleFile(_ path: String) -> Bool {
        guard path.hasSuffix(".yml") || path.hasSuffix(".yaml") else { return false }
        // Example folders are named by a rule id and hold before/, after/, log…
        return !path.split(separator: "/").dropLast().contains { $0.contains(".") || $0 == "before" || $0 == "after" }
    }

    /// The rule files under `folder`, sorted. Folders that cannot hold one (examples: named
    /// by a rule id, or before/ and after/) are not entered.
    public static func ruleFiles(in folder: String) -> [String] {
        var files: [String] = []
        func walk(_ relative: String) {
            guard let directory = opendir(relative.isEmpty ? folder : folder + "/" + relative) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard name != ".", name != ".." else { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
                if entry.pointee.d_type == UInt8(DT_UNKNOWN) || entry.pointee.d_type == UInt8(DT_LNK) {
                    var status = stat()
                    isFolder = stat(folder + "/" + path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
                }
                if isFolder {
                    if !name.contains("."), name != "before", name != "after" { walk(path) }
                } else if isRuleFile(path) {
                    files.append(folder + "/" + path)
                }
            }
        }
        walk("")
        return files.sorted()
    }

    /// A YAML document as nodes. The constructor and encoding are given rather than
    /// Yams' defaults, which build a constructor's tables and read the whole environment
    /// (YAMS_DEFAULT_ENCODING) for every document; nodes need neither.
    static func compose(_ text: String, _ resolver: Resolver) throws -> Node? {
        try Yams.compose(yaml: text, resolver, Constructor([:], [:], [:]), .utf8)
    }

    public func load(text: String, file: String) throws -> Rule {
        let root: Node
        do {
            // The basic resolver: every scalar stays a string (the loader reads its own
            // numbers), and no tag-guessing regular expressions are compiled.
            guard let node = try Self.compose(text, .basic) else {
                throw RemedyError.badInput("\(file):1:1: the playbook is empty (expected a mapping with schema, id, title, match, strategies)")
            }
            root = node
        } catch let error as YamlError {
            throw RemedyError.badInput("\(file): invalid YAML: \(PlaybookLoader.describe(error))")
        }
        guard let mapping = root.mapping else { throw Self.error(file, root, "expected a mapping at the top of the rule") }
        let top = try Fields(mapping, file: file, allowed: ["schema", "id", "title", "description", "language", "priority", "match", "preconditions", "strategies", "metadata"])

        let schema = try top.requiredString("schema")
        guard schema.value == "remedy/v1" else { throw Self.error(file, schema.node, "unknown schema '\(schema.value)' (expected remedy/v1)") }
        let id = try top.requiredString("id")
        let stem = PathText.stem(file)
        guard id.value == stem else {
            throw Self.error(file, id.node, "the id '\(id.value)' must equal the file's name '\(stem)' (rename the file or the id)")
        }
        let title = try top.requiredString("title").value
        let language = try top.optionalString("language")?.value ?? String(id.value.prefix { $0 != "." })
        let description = try top.optionalString("description")?.value
        var priority = 0
        if let p = try top.optionalString("priority") {
            guard let value = Int(p.value) else { throw Self.error(file, p.node, "priority must be a whole number") }
            priority = value
        }

        guard let matchNode = top.node("match") else { throw Self.error(file, root, "missing key 'match'") }
        guard let matchMapping = matchNode.mapping else { throw Self.error(file, matchNode, "'match' must be a mapping") }
        let matchFields = try Fields(matchMapping, file: file, allowed: ["exception", "message", "phase", "test", "frame", "skip-reason", "warning"])
        let exceptions = try matchFields.stringList("exception")
        var warnings: [String] = []
        func regex(_ key: String, in fields: Fields) throws -> PCRERegex? {
            guard let text = try fields.optionalString(key) else { return nil }
            let compiled: PCRERegex
            do {
                compiled = try PCRERegex(text.value)
            } catch let error as PCRERegex.RegexError {
                throw Self.error(file, text.node, "the \(key) regex does not compile: \(error.message) at offset \(error.offset ?? 0)")
            }
            for offset in RegexInspection.nestedUnboundedQuantifiers(in: text.value) {
                let mark = text.node.mark.map { "\($0.line):\($0.column)" } ?? "1:1"
                warnings.append("\(file):\(mark): the \(key) regex repeats a group that repeats without bound (at offset \(offset)): "
                                + "it can backtrack exponentially; make the inner repeat possessive (a++) or bounded, or the group atomic (?>…)")
            }
            return compiled
        }
        let message = try regex("message", in: matchFields)
        let skipReason = try regex("skip-reason", in: matchFields)
        var phases: [Phase] = []
        for phase in try matchFields.stringListWithNodes("phase") {
            guard let value = Phase(rawValue: phase.value) else {
                throw Self.error(file, phase.node, "unknown phase '\(phase.value)' (expected one of \(Phase.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            phases.append(value)
        }
        let tests = try matchFields.stringList("test")
        let categories = try matchFields.stringList("warning")
        var frame: FrameCondition? = nil
        if let frameNode = matchFields.node("frame") {
            guard let frameMapping = frameNode.mapping else { throw Self.error(file, frameNode, "'frame' must be a mapping with path and/or function") }
            let frameFields = try Fields(frameMapping, file: file, allowed: ["path", "function"])
            let path = try frameFields.optionalString("path")?.value
            let function = try regex("function", in: frameFields)
            guard path != nil || function != nil else { throw Self.error(file, frameNode, "'frame' needs a path glob or a function regex") }
            frame = FrameCondition(path: path, function: function)
        }
        if skipReason != nil, message != nil || !exceptions.isEmpty || !categories.isEmpty {
            throw Self.error(file, matchNode, "'skip-reason' matches skipped tests: it cannot be combined with exception, message or warning")
        }
        var requiredFiles: [String] = []
        if let preconditions = top.node("preconditions") {
            guard let mapping = preconditions.mapping else { throw Self.error(file, preconditions, "'preconditions' must be a mapping (files: [glob, …])") }
            requiredFiles = try Fields(mapping, file: file, allowed: ["files"]).stringList("files")
        }
        var metadata = RuleMetadata()
        if let metadataNode = top.node("metadata") {
            guard let mapping = metadataNode.mapping else { throw Self.error(file, metadataNode, "'metadata' must be a mapping (confidence, references)") }
            let fields = try Fields(mapping, file: file, allowed: ["confidence", "references"])
            if let confidence = try fields.optionalString("confidence") {
                guard let value = RuleMetadata.Confidence(rawValue: confidence.value) else {
                    throw Self.error(file, confidence.node, "unknown confidence '\(confidence.value)' (expected high, medium or low)")
                }
                metadata.confidence = value
            }
            for reference in try fields.stringListWithNodes("references") {
                guard reference.value.hasPrefix("https://") || reference.value.hasPrefix("http://") else {
                    throw Self.error(file, reference.node, "a reference must be a URL (https://…), not '\(reference.value)'")
                }
                metadata.references.append(reference.value)
            }
        }
        let regex = message

        let known = Set(["hint", "exception", "message"]).union(regex?.groupNames ?? []).union(skipReason?.groupNames ?? [])
            .union(frame?.function?.groupNames ?? [])
        guard let strategiesNode = top.node("strategies") else { throw Self.error(file, root, "missing key 'strategies'") }
        guard let list = strategiesNode.sequence, !list.isEmpty else {
            throw Self.error(file, strategiesNode, "'strategies' must be a non-empty list")
        }
        var strategies: [Strategy] = []
        for item in list {
            guard let itemMapping = item.mapping else { throw Self.error(file, item, "a strategy must be a mapping with id and action") }
            let fields = try Fields(itemMapping, file: file, allowed: ["id", "action", "with", "applicability"])
            let strategyID = try fields.requiredString("id").value
            let action = try fields.requiredString("action")
            let builtIn: any Action
            if let known = actions.action(action.value) {
                builtIn = known
            } else {
                let (external, problem) = ExternalAction.resolve(action.value, playbookFolder: (file as NSString).deletingLastPathComponent)
                if let problem { throw Self.error(file, action.node, "action '\(action.value)': \(problem)") }
                guard let external else {
                    let names = actions.actions.keys.sorted().joined(separator: ", ")
                    throw Self.error(file, action.node, "unknown action '\(action.value)' (built-in actions: \(names); or exec:PATH, ext:NAME)")
                }
                builtIn = external
            }
            var parameters: [String: String] = [:]
            if let with = fields.node("with") {
                guard let withMapping = with.mapping else { throw Self.error(file, with, "'with' must be a mapping of parameters") }
                for (key, value) in withMapping {
                    guard let name = key.string else { throw Self.error(file, key, "parameter names must be strings") }
                    guard builtIn is ExternalAction || builtIn.parameterNames.contains(name) else {
                        throw Self.error(file, key, "action \(builtIn.id) takes no parameter '\(name)' (it takes \(builtIn.parameterNames.joined(separator: ", ")))")
                    }
                    guard let text = value.string else { throw Self.error(file, value, "parameter '\(name)' must be a string") }
                    for reference in Template.names(in: text) where !known.contains(reference) {
                        throw Self.error(file, value, "'${\(reference)}' names no capture of the message regex (known: \(known.sorted().joined(separator: ", ")))")
                    }
                    parameters[name] = text
                }
            }
            var applicability: Applicability? = nil
            if let a = try fields.optionalString("applicability") {
                guard let value = Applicability(rawValue: a.value) else {
                    throw Self.error(file, a.node, "unknown applicability '\(a.value)' (expected safe, unsafe or display-only)")
                }
                guard value <= builtIn.applicability else {
                    throw Self.error(file, a.node, "applicability '\(value.rawValue)' is higher than the action's own '\(builtIn.applicability.rawValue)': a strategy may only lower it")
                }
                applicability = value
            }
            strategies.append(Strategy(id: strategyID, action: action.value, parameters: parameters, applicability: applicability,
                                       external: builtIn as? ExternalAction))
        }
        var rule = Rule(id: id.value, title: title, description: description, language: language,
                        match: MatchSpec(exceptions: exceptions, message: regex, phases: phases, tests: tests, frame: frame,
                                         skipReason: skipReason, warnings: categories, requiredFiles: requiredFiles),
                        strategies: strategies, priority: priority, metadata: metadata, file: file)
        rule.warnings = warnings
        return rule
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "\(mark.line):\(mark.column): \(problem)"
        case let .reader(problem, offset, _, _):
            return "\(problem)\(offset.map { " at byte \($0)" } ?? "")"
        default:
            return "\(error)"
        }
    }

    /// The keys of one mapping, checked against the allowed ones.
    struct Fields {
        let pairs: [String: (key: Node, value: Node)]
        let file: String

        init(_ mapping: Node.Mapping, file: String, allowed: Set<String>) throws {
            var pairs: [String: (Node, Node)] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { throw PlaybookLoader.error(file, key, "keys must be strings") }
                guard allowed.contains(name) else {
                    throw PlaybookLoader.error(file, key, "unknown key '\(name)' (expected one of \(allowed.sorted().joined(separator: ", ")))")
                }
                guard pairs[name] == nil else { throw PlaybookLoader.error(file, key, "duplicate key '\(name)'") }
                pairs[name] = (key, value)
            }
            self.pairs = pairs
            self.file = file
        }

        func node(_ key: String) -> Node? { pairs[key]?.value }

        func optionalString(_ key: String) throws -> (value: String, node: Node)? {
            guard let value = pairs[key]?.value else { return nil }
            guard case .scalar = value, let text = value.string else {
                throw PlaybookLoader.error(file, value, "'\(key)' must be a single value")
            }
            return (text, value)
        }

        func requiredString(_ key: String) throws -> (value: String, node: Node) {
            guard let found = try optionalString(key) else {
                throw PlaybookLoader.error(file, nil, "missing key '\(key)'")
            }
            guard !found.value.isEmpty else { throw PlaybookLoader.error(file, found.node, "'\(key)' must not be empty") }
            return found
        }

        func stringListWithNodes(_ key: String) throws -> [(value: String, node: Node)] {
            guard let value = pairs[key]?.value else { return [] }
            if case .scalar = value, let text = value.string { return [(text, value)] }
            guard let list = value.sequence else { throw PlaybookLoader.error(file, value, "'\(key)' must be one value or a list") }
            return try list.map { item in
                guard let text = item.string else { throw PlaybookLoader.error(file, item, "'\(key)' entries must be strings") }
                return (text, item)
            }
        }

        func stringList(_ key: String) throws -> [String] { try stringListWithNodes(key).map(\.value) }
    }
}
