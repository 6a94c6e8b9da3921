import Foundation

/// An example that lives beside an action's code (as SwiftLint's rules carry theirs):
/// files before, the parameters, and the files after — or, for a case where the action
/// must not apply, the reason it gives. One parameterised test runs every action's.
public struct ActionExample: Sendable {
    public var name: String
    public var before: [String: String]
    public var parameters: [String: String]
    /// The changed files after the fix; nil when the action must refuse.
    public var after: [String: String]?
    /// A fragment of the refusal's reason, for examples that must not apply.
    public var refusal: String?
    public var file: String
    public var line: Int

    public init(_ name: String, before: [String: String], parameters: [String: String], after: [String: String]? = nil, refusal: String? = nil, file: String = #filePath, line: Int = #line) {
        self.name = name
        self.before = before
        self.parameters = parameters
        self.after = after
        self.refusal = refusal
        self.file = file
        self.line = line
    }

    /// A stand-in finding for running an action outside a real run.
    /// The `files` parameter (comma-separated) names the cause's files.
    public static func finding(parameters: [String: String]) -> Finding {
        let signature = Signature(kind: "Example", template: "example", parameters: parameters)
        let files = (parameters["files"] ?? "").split(separator: ",").map { FileImpact(path: String($0), tests: 1, callSites: 1) }
        let cluster = Cluster(signature: signature, exceptionType: "Example", message: "example", hint: parameters["hint"], phases: [.call],
                              tests: [], outcomes: [:], files: files, example: "", frames: [])
        let rule = Rule(id: "example", title: "Example", language: "any", match: MatchSpec(exceptions: [], message: nil, phases: []), strategies: [], file: "example")
        return Finding(number: 1, rule: rule, cluster: cluster, bindings: parameters)
    }

    /// Runs the example; returns the problems found (empty when it passes).
    public func check(_ action: any Action) -> [String] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-example-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        do {
            for (path, text) in before {
                let url = URL(fileURLWithPath: root + "/" + path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
        } catch {
            return ["cannot write the example's files: \(error)"]
        }
        let request = ActionRequest(finding: ActionExample.finding(parameters: parameters), parameters: parameters, root: root)
        let editor = FileEditor(root: URL(fileURLWithPath: root))
        let fix: Fix
        do {
            fix = try action.makeFix(request)
        } catch let refused as ActionRefusal {
            if after != nil { return ["refused: \(refused.reason)"] }
            if let expected = refusal, !refused.reason.contains(expected) {
                return ["refused with '\(refused.reason)', expected a reason containing '\(expected)'"]
            }
            return []
        } catch {
            return ["failed: \(error)"]
        }
        guard let after else {
            return ["applied (\(fix.title)) where it must not"]
        }
        var problems: [String] = []
        do {
            try editor.apply(fix)
            for (path, expected) in after {
                let actual = FileManager.default.contents(atPath: root + "/" + path).map { String(decoding: $0, as: UTF8.self) }
                if actual != expected {
                    problems.append("\(path) differs from the expected text:\n--- expected\n\(expected)\n--- actual\n\(actual ?? "<missing>")")
                }
            }
            for (path, original) in before where after[path] == nil {
                let actual = FileManager.default.contents(atPath: root + "/" + path).map { String(decoding: $0, as: UTF8.self) }
                if actual != original { problems.append("\(path) changed but the example lists no change to it") }
            }
            // A second application must change nothing: an empty fix, or a refusal (which writes nothing).
            if let second = try? action.makeFix(request) {
                let changed = try editor.apply(second)
                if !changed.isEmpty { problems.append("not idempotent: a second application changed \(changed.joined(separator: ", "))") }
            }
        } catch {
            problems.append("failed: \(error)")
        }
        return problems
    }
}
