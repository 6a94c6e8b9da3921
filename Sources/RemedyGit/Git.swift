import CLibgit2
import CLibgit2Loader
import Foundation
import RemedyCore

/// A libgit2 call that failed: the C function, its return code and libgit2's own message.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public var function: String
    public var code: Int32
    public var message: String

    public var description: String { "\(function) failed (\(code)): \(message)" }

    /// Whether libgit2 refused the repository because another user owns it.
    public var isOwnershipError: Bool { code == GIT_EOWNER.rawValue }
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
}

/// libgit2's one-time loading and initialisation, and the helper every call goes through.
enum Git {
    /// Lazy and thread-safe: the first use loads libgit2 and initialises it once for the
    /// process; nil when that worked, else what a user can do about it.
    private static let loadFailure: String? = {
        if let problem = remedy_libgit2_load() {
            return "libgit2 \(LIBGIT2_VER_MAJOR).\(LIBGIT2_VER_MINOR) could not be loaded (\(String(cString: problem))); install it (Debian: apt-get install libgit2-\(LIBGIT2_VER_MAJOR).\(LIBGIT2_VER_MINOR))"
        }
        git_libgit2_init()
        return nil
    }()

    /// Loads libgit2 if it is not yet loaded: called before any other libgit2 function.
    static func load() throws {
        if let loadFailure { throw RemedyError.failure(loadFailure) }
    }

    /// Checks a libgit2 return code, reading the thread-local error right away.
    @discardableResult
    static func check(_ code: Int32, _ function: String) throws -> Int32 {
        guard code < 0 else { return code }
        let message: String
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text).trimmingCharacters(in: [" ", "\n"])
        } else {
            message = "no message from libgit2"
        }
        throw GitError(function: function, code: code, message: message)
    }

    /// Writes `index` and commits its tree on `HEAD` of `repository` with the given
    /// parents and author; returns the commit and tree ids.
    static func commitIndex(_ index: OpaquePointer?, in repository: OpaquePointer?, parents: [OpaquePointer?],
                            author: UnsafeMutablePointer<git_signature>, message: String) throws -> (commit: git_oid, tree: git_oid) {
        try check(git_index_write(index), "git_index_write")
        var treeID = git_oid()
        try check(git_index_write_tree(&treeID, index), "git_index_write_tree")
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, repository, &treeID), "git_tree_lookup")
        defer { git_tree_free(tree) }
        var commitID = git_oid()
        var parents = parents
        _ = try parents.withUnsafeMutableBufferPointer { buffer in
            try check(git_commit_create(&commitID, repository, "HEAD", author, author, "UTF-8", message, tree, buffer.count, buffer.baseAddress), "git_commit_create")
        }
        return (commitID, treeID)
    }

    /// Applies a unified diff to a repository's working tree: all hunks or none.
    static func apply(_ diff: String, to repository: OpaquePointer?) throws {
        var parsed: OpaquePointer?
        try check(git_diff_from_buffer(&parsed, diff, diff.utf8.count), "git_diff_from_buffer")
        defer { git_diff_free(parsed) }
        try check(git_apply(repository, parsed, GIT_APPLY_LOCATION_WORKDIR, nil), "git_apply")
    }

    static func oidString(_ oid: git_oid) -> String {
        var oid = oid
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buffer, 41, &oid)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func oid(_ text: String) throws -> git_oid {
        var oid = git_oid()
        try check(git_oid_fromstr(&oid, text), "git_oid_fromstr")
        return oid
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// One lock around every libgit2 call Remedy makes on a repository: libgit2's objects
/// may not be used from two threads at once, and fixes are tried in parallel. Git work
/// takes milliseconds; the test runs between it are what run side by side. Recursive,
/// since public operations call one another.
enum GitSerial {
    static let lock = NSRecursiveLock()
}
