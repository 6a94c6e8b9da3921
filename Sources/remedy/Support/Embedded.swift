import Foundation
import RemedyCore

/// The files built into the binary by RemedyEmbedPlugin: the shipped playbooks and the
/// demo project. A copied `remedy` binary carries them; no resource bundle is needed.
enum Embedded {
    static func decode(_ base64: String) -> Data { Data(base64Encoded: base64) ?? Data() }

    /// The shipped playbooks written out once per content (their `exec:` plugins must be
    /// real files): a folder under the temporary directory, named by the content's hash
    /// (worked out when the binary was built).
    static func playbooksFolder() throws -> String {
        let digest = EmbeddedFiles.playbooksDigest
        // The temporary directory as FileManager finds it ($TMPDIR, else /tmp), as a path:
        // every command that loads rules asks, and the URL and FileManager were most of it.
        let temporary = EnvironmentVariable.value("TMPDIR").flatMap { $0.isEmpty ? nil : PathText.standardized($0) } ?? "/tmp"
        let folder = (temporary.hasSuffix("/") ? temporary : temporary + "/") + "remedy-playbooks-\(digest)"
        if access(folder + "/.complete", F_OK) == 0 { return folder }
        let staging = folder + ".\(UUID().uuidString.prefix(8))"
        try write(EmbeddedFiles.playbooks, to: staging)
        _ = FileManager.default.createFile(atPath: staging + "/.complete", contents: Data())
        if (try? FileManager.default.moveItem(atPath: staging, toPath: folder)) == nil {
            try? FileManager.default.removeItem(atPath: staging) // another process wrote it first
        }
        return folder
    }

    /// Writes the demo project into `folder`.
    static func writeDemo(to folder: String) throws { try write(EmbeddedFiles.demo, to: folder) }


    private static func write(_ files: [(path: String, base64: String)], to folder: String) throws {
        for file in files {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let data = decode(file.base64)
            try data.write(to: url)
            // Scripts (plugins) keep their execute bit.
            if data.starts(with: Array("#!".utf8)) { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        }
    }
}
