import Foundation

/// Writes a fix's edits into a folder (a candidate's worktree), refusing any path that
/// would leave it: absolute paths, `..`, symbolic links pointing out, and anything under
/// its `.git`. Edits to one file are applied from the end so ranges stay valid;
/// overlapping edits are refused.
public struct FileEditor: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// The absolute URL for a relative path, after checking it stays inside the root.
    public func confined(_ path: String) throws -> URL {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("~") else {
            throw RemedyError.failure("refused edit to '\(path)': paths must be relative to the repository")
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.contains(".."), !parts.contains(".git"), parts.first != ".git" else {
            throw RemedyError.failure("refused edit to '\(path)': it leaves the repository or touches .git")
        }
        var url = root
        for part in parts where part != "." {
            url.appendPathComponent(String(part))
            if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                let target = URL(fileURLWithPath: destination, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
                guard target.path.hasPrefix(root.path + "/") else {
                    throw RemedyError.failure("refused edit to '\(path)': '\(part)' is a symbolic link leaving the repository")
                }
            }
        }
        return url
    }

    /// Applies the edits; returns the paths whose content changed.
    @discardableResult
    public func apply(_ fix: Fix) throws -> [String] {
        var changed: [String] = []
        var byPath: [String: [Edit]] = [:]
        var order: [String] = []
        for edit in fix.edits {
            if byPath[edit.path] == nil { order.append(edit.path) }
            byPath[edit.path, default: []].append(edit)
        }
        for path in order {
            let url = try confined(path)
            let edits = byPath[path]!
            let original = FileManager.default.contents(atPath: url.path).map { [UInt8]($0) }
            var bytes = original ?? []
            var deleted = false
            var ranges: [(Range<Int>, String)] = []
            for edit in edits {
                switch edit.kind {
                case .create:
                    bytes = Array(edit.text.utf8)
                case .delete:
                    deleted = true
                case let .replace(range):
                    ranges.append((range, edit.text))
                }
            }
            ranges.sort { $0.0.lowerBound > $1.0.lowerBound }
            var lowest = Int.max
            for (range, text) in ranges {
                guard original != nil || range == 0..<0 else {
                    throw RemedyError.failure("edit to '\(path)': the file does not exist")
                }
                guard range.lowerBound >= 0, range.upperBound <= bytes.count, range.upperBound <= lowest else {
                    throw RemedyError.failure("edit to '\(path)': byte range \(range) is outside the file or overlaps another edit")
                }
                bytes.replaceSubrange(range, with: Array(text.utf8))
                lowest = range.lowerBound
            }
            if deleted {
                if original != nil {
                    try FileManager.default.removeItem(at: url)
                    changed.append(path)
                }
                continue
            }
            if bytes != original {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
                changed.append(path)
            }
        }
        return changed
    }
}
