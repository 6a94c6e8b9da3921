import Foundation
import RemedyCore

/// A temporary folder removed when the value is no longer used.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "test") {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-\(label)-\(UUID().uuidString.prefix(8))").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes files given as relative path → text.
    public func write(_ files: [String: String]) throws {
        for (relative, text) in files {
            let url = URL(fileURLWithPath: path + "/" + relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    public func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Runs commands the tests check Remedy with: the git CLI (an independent witness of what
/// libgit2 did), pytest, the built `remedy`.
public enum Command {
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws -> ChildProcess.Result {
        try await ChildProcess(executable: executable, arguments: arguments, environment: environment, directory: directory, timeout: .seconds(300)).run()
    }

    /// git with a fixed identity, so commits work on any machine.
    @discardableResult
    public static func git(_ arguments: [String], in directory: String) async throws -> ChildProcess.Result {
        try await run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"] + arguments, in: directory)
    }
}

/// Where the repository's own files are, found from this source file.
public enum Fixtures {
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static func path(_ relative: String) -> String { packageRoot + "/Tests/Fixtures/" + relative }

    public static func bytes(_ relative: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path(relative)) ?? Data()) }

    public static func text(_ relative: String) -> String { String(decoding: bytes(relative), as: UTF8.self) }

    /// The demo project's files, relative path → text.
    public static func demoProject() -> [String: String] {
        let root = packageRoot + "/demo"
        var files: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: root)
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue || relative.contains("__pycache__") { continue }
            files[relative] = String(decoding: FileManager.default.contents(atPath: root + "/" + relative)!, as: UTF8.self)
        }
        return files
    }

    /// The built `remedy` binary next to the test bundle.
    public static var remedyBinary: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/remedy",
            packageRoot + "/.build/debug/remedy",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }
}

extension Command {
    /// The built `remedy`, without colour.
    public static func remedy(_ arguments: [String], in directory: String = "/") async throws -> ChildProcess.Result {
        try await run(Fixtures.remedyBinary, arguments, in: directory, environment: ["NO_COLOR": "1"])
    }
}

extension TemporaryFolder {
    /// A new git repository holding `files`, all committed.
    public static func committedRepository(_ label: String, files: [String: String]) async throws -> TemporaryFolder {
        let folder = TemporaryFolder(label)
        try folder.write(files)
        try await Command.git(["init", "-q"], in: folder.path)
        try await Command.git(["add", "-A"], in: folder.path)
        try await Command.git(["commit", "-qm", "init"], in: folder.path)
        return folder
    }
}

extension Fixtures {
    /// The demo project committed in a new git repository.
    public static func committedDemoRepository(_ label: String = "demo") async throws -> TemporaryFolder {
        try await TemporaryFolder.committedRepository(label, files: demoProject())
    }
}
