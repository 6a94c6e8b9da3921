import Foundation
import Yams

/// `.remedy.yml` at the repository root: the project's defaults for every flag. A flag
/// given on the command line wins over the file, and the file over Remedy's default.
/// Read as Yams nodes: an unknown key or a wrong type names file:line:column.
public struct RemedyConfiguration: Sendable, Equatable {
    public var playbooks: [String] = []
    public var disabledRules: [String] = []
    public var python: String?
    public var testCommand: String?
    public var testTimeout: Int?
    public var branchPrefix: String?
    public var maxBranches: Int?
    public var mode: PublishMode?
    public var unsafe: Bool?
    public var patchDirectory: String?
    public var push: String?
    public var maxAttempts: Int?
    public var jobs: Int?

    public init() {}

    public static let fileName = ".remedy.yml"

    /// The repository's configuration; an empty one when there is no file.
    public static func load(repository root: String) throws -> RemedyConfiguration {
        let path = root + "/" + fileName
        // Most repositories have none: asking the system costs less than FileManager failing to read it.
        guard access(path, F_OK) == 0, let data = FileManager.default.contents(atPath: path) else { return RemedyConfiguration() }
        return try parse(String(decoding: data, as: UTF8.self), file: path, root: root)
    }

    public static func parse(_ text: String, file: String, root: String) throws -> RemedyConfiguration {
        var configuration = RemedyConfiguration()
        let node: Node?
        do { node = try PlaybookLoader.compose(text, .default) } catch let error as YamlError {
            throw RemedyError.badInput("\(file): invalid YAML: \(PlaybookLoader.describe(error))")
        }
        guard let node else { return configuration }
        guard let mapping = node.mapping else { throw PlaybookLoader.error(file, node, "expected a mapping of settings (e.g. python: .venv/bin/python)") }
        func string(_ value: Node, _ key: String) throws -> String {
            guard case .scalar = value, let text = value.string else { throw PlaybookLoader.error(file, value, "'\(key)' must be a single value") }
            return text
        }
        func int(_ value: Node, _ key: String) throws -> Int {
            guard let number = Int(try string(value, key)), number >= 0 else { throw PlaybookLoader.error(file, value, "'\(key)' must be a whole number") }
            return number
        }
        func list(_ value: Node, _ key: String) throws -> [String] {
            if case .scalar = value { return [try string(value, key)] }
            guard let items = value.sequence else { throw PlaybookLoader.error(file, value, "'\(key)' must be a list") }
            return try items.map { try string($0, key) }
        }
        let keys = ["playbooks", "disabled-rules", "python", "test-command", "test-timeout", "branch-prefix", "max-branches", "mode", "unsafe", "patch-dir", "push", "max-attempts", "jobs"]
        for (key, value) in mapping {
            guard let name = key.string else { throw PlaybookLoader.error(file, key, "keys must be strings") }
            switch name {
            case "playbooks": configuration.playbooks = try list(value, name).map { $0.hasPrefix("/") ? $0 : root + "/" + $0 }
            case "disabled-rules": configuration.disabledRules = try list(value, name)
            case "python": configuration.python = try string(value, name)
            case "test-command": configuration.testCommand = try string(value, name)
            case "test-timeout":
                let seconds = try int(value, name)
                guard seconds > 0 else { throw PlaybookLoader.error(file, value, "'test-timeout' must be a positive number of seconds") }
                configuration.testTimeout = seconds
            case "branch-prefix": configuration.branchPrefix = try string(value, name)
            case "max-branches": configuration.maxBranches = try int(value, name)
            case "mode":
                let text = try string(value, name)
                guard let mode = PublishMode(rawValue: text) else { throw PlaybookLoader.error(file, value, "unknown mode '\(text)' (expected branch, patch or apply)") }
                configuration.mode = mode
            case "unsafe":
                let text = try string(value, name)
                guard let flag = ["true": true, "false": false, "yes": true, "no": false][text.lowercased()] else {
                    throw PlaybookLoader.error(file, value, "'unsafe' must be true or false")
                }
                configuration.unsafe = flag
            case "push": configuration.push = try string(value, name)
            case "max-attempts":
                let count = try int(value, name)
                guard count >= 1 else { throw PlaybookLoader.error(file, value, "'max-attempts' must be at least 1") }
                configuration.maxAttempts = count
            case "jobs":
                let count = try int(value, name)
                guard count >= 1 else { throw PlaybookLoader.error(file, value, "'jobs' must be at least 1") }
                configuration.jobs = count
            case "patch-dir":
                let path = try string(value, name)
                configuration.patchDirectory = path.hasPrefix("/") ? path : root + "/" + path
            default:
                throw PlaybookLoader.error(file, key, "unknown key '\(name)' (expected one of \(keys.joined(separator: ", ")))")
            }
        }
        return configuration
    }
}
