import Foundation

/// The files built into the binary by RemedyEmbedPlugin: the shipped playbooks and the
/// demo project. A copied `remedy` binary carries them; no resource bundle is needed.
enum Embedded {
    static func decode(_ base64: String) -> Data { Data(base64Encoded: base64) ?? Data() }

    /// The shipped playbook files as (path under playbooks/, text).
    static var playbooks: [(path: String, text: String)] {
        EmbeddedFiles.playbooks.map { ("playbooks/" + $0.path, String(decoding: decode($0.base64), as: UTF8.self)) }
    }

    /// Writes the demo project into `folder`.
    static func writeDemo(to folder: String) throws { try write(EmbeddedFiles.demo, to: folder) }

    /// Writes the shipped playbooks, with their examples, into `folder`.
    static func writePlaybooks(to folder: String) throws { try write(EmbeddedFiles.playbooks, to: folder) }

    private static func write(_ files: [(path: String, base64: String)], to folder: String) throws {
        for file in files {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try decode(file.base64).write(to: url)
        }
    }
}
