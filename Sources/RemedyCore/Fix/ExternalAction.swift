import Foundation

/// The out-of-process plugin protocol (version 1): Remedy writes one `PluginRequest` as
/// JSON on the plugin's standard input and reads one `PluginResponse` from its standard
/// output. Codable, so Swift authors reuse them.
public struct PluginRequest: Codable, Sendable {
    /// A cause as a plugin sees it.
    public struct FindingInfo: Codable, Sendable {
        public var rule: String
        public var exceptionType: String
        public var message: String
        public var hint: String?
        public var signature: String
        public var tests: [String]
        public var files: [String]
        public var frames: [Frame]
        public var bindings: [String: String]
    }

    public var `protocol` = 1
    public var action: String
    public var params: [String: String]
    public var finding: FindingInfo
    /// The worktree the plugin runs in (its working directory).
    public var repo: String
}

/// What a plugin answers: edits (Remedy writes them, after checking every path), notes,
/// or a domain error ("this does not apply because …") with exit status 0.
public struct PluginResponse: Codable, Sendable {
    /// One edit: `range` [start, end) in bytes, or `create`, or `delete`.
    public struct PluginEdit: Codable, Sendable {
        public var path: String
        public var range: [Int]?
        public var create: Bool?
        public var delete: Bool?
        public var text: String?
    }

    public var edits: [PluginEdit]?
    public var notes: [String]?
    public var error: String?
}

/// A strategy's action that runs outside Remedy: `exec:PATH` (beside the playbook) or
/// `ext:NAME` (`remedy-action-NAME` on PATH), with a time limit and an output limit.
/// Every path it returns is confined to the worktree by `FileEditor`.
public struct ExternalAction: Action {
    public let id: String
    public let executable: String
    public let applicability = Applicability.safe
    public let parameterNames: [String] = []
    public let examples: [ActionExample] = []
    public var timeout: Duration
    public var outputLimit: Int

    public init(id: String, executable: String, timeout: Duration = .seconds(60), outputLimit: Int = 8 << 20) {
        self.id = id
        self.executable = executable
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    /// A plugin's time limit: 60 s, or REMEDY_PLUGIN_TIMEOUT seconds.
    static var defaultTimeout: Duration {
        .seconds(EnvironmentVariable.value("REMEDY_PLUGIN_TIMEOUT").flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 60)
    }

    /// Resolves `exec:` against the playbook's folder and `ext:` on PATH; nil with the reason.
    public static func resolve(_ name: String, playbookFolder: String) -> (action: ExternalAction?, problem: String?) {
        if name.hasPrefix("exec:") {
            let relative = String(name.dropFirst(5))
            guard !relative.isEmpty, !relative.hasPrefix("/") else { return (nil, "exec: takes a path relative to the playbook's folder") }
            // Absolute: the plugin runs in the worktree, not where the playbook was read.
            let path = PathText.standardized(playbookFolder + "/" + relative)
            guard FileManager.default.isExecutableFile(atPath: path) else { return (nil, "\(path) is not an executable file (chmod +x it)") }
            return (ExternalAction(id: name, executable: path, timeout: defaultTimeout), nil)
        }
        if name.hasPrefix("ext:") {
            let program = "remedy-action-" + name.dropFirst(4)
            for folder in (EnvironmentVariable.value("PATH") ?? "").split(separator: ":") {
                let path = "\(folder)/\(program)"
                if FileManager.default.isExecutableFile(atPath: path) { return (ExternalAction(id: name, executable: path, timeout: defaultTimeout), nil) }
            }
            return (nil, "no executable \(program) on PATH")
        }
        return (nil, nil)
    }

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        throw ActionRefusal("\(id) is an external action; it runs asynchronously")
    }

    public func fix(_ request: ActionRequest) async throws -> Fix {
        let cluster = request.finding.cluster
        let payload = PluginRequest(
            action: id, params: request.parameters,
            finding: .init(rule: request.finding.rule.id, exceptionType: cluster.exceptionType, message: cluster.message, hint: cluster.hint,
                           signature: cluster.signature.hash, tests: Array(cluster.tests), files: cluster.files.map(\.path), frames: cluster.frames,
                           bindings: request.finding.bindings),
            repo: request.root)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let input = try encoder.encode(payload)
        let trace = EnvironmentVariable.value("REMEDY_TRACE_PLUGINS") == "1"
        if trace { StandardStream.error.write("remedy: plugin \(id) request: " + String(decoding: input, as: UTF8.self) + "\n") }
        var child = ChildProcess(executable: executable, arguments: [], directory: request.root, timeout: timeout, outputLimit: outputLimit)
        child.input = [UInt8](input)
        child.separateErrors = true
        let result: ChildProcess.Result
        do {
            result = try await child.run()
        } catch {
            throw ActionRefusal("the plugin \(id) could not run or wrote more than \(outputLimit / (1 << 20)) MB: \(error)")
        }
        if trace { StandardStream.error.write("remedy: plugin \(id) response (exit \(result.status)): \(result.output)\n") }
        if result.timedOut { throw ActionRefusal("the plugin \(id) did not answer within \(timeout) and was stopped") }
        guard result.status == 0 else {
            let tail = result.errors.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw ActionRefusal("the plugin \(id) failed (exit \(result.status))\(tail.isEmpty ? "" : ": \(tail)")")
        }
        let response: PluginResponse
        do {
            response = try JSONDecoder().decode(PluginResponse.self, from: Data(result.output.utf8))
        } catch {
            throw ActionRefusal("the plugin \(id) answered something that is not a protocol 1 response: \(result.output.prefix(120))")
        }
        if let error = response.error { throw ActionRefusal(error) }
        var edits: [Edit] = []
        for edit in response.edits ?? [] {
            let text = edit.text ?? ""
            if edit.delete == true {
                edits.append(Edit(path: edit.path, kind: .delete, text: ""))
            } else if edit.create == true {
                edits.append(Edit(path: edit.path, kind: .create, text: text))
            } else if let range = edit.range, range.count == 2, range[0] >= 0, range[1] >= range[0] {
                edits.append(Edit(path: edit.path, kind: .replace(range[0]..<range[1]), text: text))
            } else {
                throw ActionRefusal("the plugin \(id) returned an edit to \(edit.path) with no range, create or delete")
            }
        }
        return Fix(title: response.notes?.first ?? "Edits by \(id)", edits: edits, applicability: applicability, notes: Array((response.notes ?? []).dropFirst()))
    }
}
