import CLibgit2
import Foundation
import RemedyCore

/// A git repository opened through libgit2: the user's repository Remedy repairs.
/// Owns its handle and frees it once. Not Sendable: one task uses it.
public final class Repository: SourceControl {
    let handle: OpaquePointer
    public let workdir: String
    /// The repository's common `.git` folder (shared by its worktrees).
    public let commonDirectory: String

    public var stateDirectory: String { commonDirectory + "remedy" }

    /// Opens the repository that contains `path` (a subfolder is fine).
    public init(path: String) throws {
        try Git.load()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RemedyError.badInput("\(path): no such folder (give --repo the folder of a git repository)")
        }
        var repository: OpaquePointer?
        let rc = git_repository_open_ext(&repository, path, 0, nil)
        if rc < 0 {
            do { try Git.check(rc, "git_repository_open_ext") } catch let error as GitError {
                // libgit2 1.5.1 reports a foreign owner as GIT_EOWNER, or (when it then looks
                // for safe.directory and finds none) as "config value 'safe.directory' was not found".
                if error.isOwnershipError || error.message.contains("not owned by current user") || error.message.contains("safe.directory") {
                    throw RemedyError.badInput("\(path): the repository is owned by another user; run Remedy as its owner, or trust it with: git config --global --add safe.directory \(path)")
                }
                if error.isNotFound {
                    throw RemedyError.badInput("\(path): not a git repository (run git init, or give --repo the repository's folder)")
                }
                throw RemedyError.failure("\(path): \(error)")
            }
        }
        handle = repository!
        guard let dir = git_repository_workdir(handle) else {
            git_repository_free(handle)
            throw RemedyError.badInput("\(path): a bare repository has no working tree to test; use a clone")
        }
        workdir = String(String(cString: dir).dropLast(String(cString: dir).hasSuffix("/") ? 1 : 0))
        commonDirectory = String(cString: git_repository_commondir(handle))
    }

    /// Creates a new repository at `path` (for the demo and tests).
    public static func create(at path: String) throws -> Repository {
        try Git.load()
        var repository: OpaquePointer?
        try Git.check(git_repository_init(&repository, path, 0), "git_repository_init")
        git_repository_free(repository)
        return try Repository(path: path)
    }

    deinit { git_repository_free(handle) }

    /// The identity commits are made with: the repository's configured one, else Remedy's.
    func signature() throws -> UnsafeMutablePointer<git_signature> {
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, handle) == 0, let signature { return signature }
        try Git.check(git_signature_now(&signature, "Remedy", "remedy@localhost"), "git_signature_now")
        return signature!
    }

    public func headCommit() throws -> String {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, handle, "HEAD")
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EUNBORNBRANCH.rawValue {
            throw RemedyError.badInput("\(workdir): the repository has no commits yet; commit your project first")
        }
        try Git.check(rc, "git_reference_name_to_id")
        return Git.oidString(oid)
    }

    /// Stages every file in the working tree and commits it (the demo's first commit).
    @discardableResult
    public func commitAll(message: String) throws -> String {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        var index: OpaquePointer?
        try Git.check(git_repository_index(&index, handle), "git_repository_index")
        defer { git_index_free(index) }
        var star: UnsafeMutablePointer<CChar>? = strdup("*")
        defer { free(star) }
        try withUnsafeMutablePointer(to: &star) { pointer in
            var paths = git_strarray(strings: pointer, count: 1)
            try Git.check(git_index_add_all(index, &paths, 0, nil, nil), "git_index_add_all")
        }
        let author = try signature()
        defer { git_signature_free(author) }
        var parents: [OpaquePointer?] = []
        var parentID = git_oid()
        if git_reference_name_to_id(&parentID, handle, "HEAD") == 0 {
            var parent: OpaquePointer?
            try Git.check(git_commit_lookup(&parent, handle, &parentID), "git_commit_lookup")
            parents.append(parent)
        }
        defer { parents.forEach { git_commit_free($0) } }
        let (commitID, _) = try Git.commitIndex(index, in: handle, parents: parents, author: author, message: message)
        return Git.oidString(commitID)
    }

    public func dirtyPaths() throws -> [String] {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        var options = git_status_options()
        try Git.check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try Git.check(git_status_list_new(&list, handle, &options), "git_status_list_new")
        defer { git_status_list_free(list) }
        var paths: [String] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, i) else { continue }
            let delta = entry.pointee.index_to_workdir ?? entry.pointee.head_to_index
            if let delta, let path = delta.pointee.new_file.path ?? delta.pointee.old_file.path {
                let text = String(cString: path)
                if !paths.contains(text) { paths.append(text) }
            }
        }
        return paths
    }

    public func makeCandidate(run: String, number: Int) throws -> any CandidateWorkspace {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        return try Worktree(repository: self, run: run, number: number)
    }

    public func branchState(_ name: String) throws -> BranchState {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        var places = ["refs/heads/" + name]
        var iterator: OpaquePointer?
        if git_reference_iterator_glob_new(&iterator, handle, "refs/remotes/*/" + name) == 0 {
            defer { git_reference_iterator_free(iterator) }
            var reference: OpaquePointer?
            while git_reference_next(&reference, iterator) == 0 {
                places.append(String(cString: git_reference_name(reference)))
                git_reference_free(reference)
            }
        }
        let head = try Git.oid(try headCommit())
        for place in places {
            var tip = git_oid()
            guard git_reference_name_to_id(&tip, handle, place) == 0 else { continue }
            if try onlyRemedyCommits(from: tip, base: head) {
                return .remedys(tree: try treeID(of: tip), where: place)
            }
            return .foreign(where: place)
        }
        return .absent
    }

    private func treeID(of commitID: git_oid) throws -> String {
        var commitID = commitID
        var commit: OpaquePointer?
        try Git.check(git_commit_lookup(&commit, handle, &commitID), "git_commit_lookup")
        defer { git_commit_free(commit) }
        return Git.oidString(git_commit_tree_id(commit).pointee)
    }

    /// Whether every commit reachable from `tip` and not from `base` carries Remedy's trailer.
    private func onlyRemedyCommits(from tip: git_oid, base: git_oid) throws -> Bool {
        var tip = tip, base = base
        var walk: OpaquePointer?
        try Git.check(git_revwalk_new(&walk, handle), "git_revwalk_new")
        defer { git_revwalk_free(walk) }
        try Git.check(git_revwalk_push(walk, &tip), "git_revwalk_push")
        var mergeBase = git_oid()
        if git_merge_base(&mergeBase, handle, &tip, &base) == 0 {
            try Git.check(git_revwalk_hide(walk, &mergeBase), "git_revwalk_hide")
        }
        var oid = git_oid()
        var count = 0
        while git_revwalk_next(&oid, walk) == 0 {
            count += 1
            if count > 1000 { return false }
            var commit: OpaquePointer?
            try Git.check(git_commit_lookup(&commit, handle, &oid), "git_commit_lookup")
            let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
            git_commit_free(commit)
            if !message.contains("\nRemedy-Rule: ") { return false }
        }
        return true
    }

    public func setBranch(_ name: String, to commit: String) throws {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        var oid = try Git.oid(commit)
        var existing: OpaquePointer?
        if git_branch_lookup(&existing, handle, name, GIT_BRANCH_LOCAL) == 0 {
            defer { git_reference_free(existing) }
            if git_branch_is_checked_out(existing) == 1 {
                throw RemedyError.failure("branch \(name) is checked out; switch to another branch before Remedy updates it")
            }
        }
        var reference: OpaquePointer?
        try Git.check(git_reference_create(&reference, handle, "refs/heads/" + name, &oid, 1, "remedy: verified fix"), "git_reference_create")
        git_reference_free(reference)
    }

    public func applyToWorkingTree(_ diff: String) throws {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        do {
            try Git.apply(diff, to: handle)
        } catch let error as GitError {
            throw RemedyError.badInput("the fix does not apply cleanly over your uncommitted changes, so nothing was changed (\(error.message)); commit or stash them, or use --mode patch")
        }
    }

    /// The worktrees Remedy made (name prefix `remedy-`).
    func remedyWorktreeNames() throws -> [String] {
        var names = git_strarray()
        try Git.check(git_worktree_list(&names, handle), "git_worktree_list")
        defer { git_strarray_dispose(&names) }
        var result: [String] = []
        for i in 0..<names.count {
            if let name = names.strings[i].map({ String(cString: $0) }), name.hasPrefix("remedy-") { result.append(name) }
        }
        return result
    }

    /// For an interrupted run: removes Remedy's worktrees and temporary branches and calls
    /// `finish` (which exits) while still holding the lock every git operation takes, so a
    /// run still going on another thread cannot create a worktree after the cleanup.
    public func removeCandidatesThenFinish(_ finish: () -> Never) -> Never {
        GitSerial.lock.lock()
        _ = try? removeStaleCandidates()
        finish()
    }

    /// Removes the worktrees and temporary branches an earlier run left; returns how many
    /// worktrees there were.
    public func removeStaleCandidates() throws -> Int {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        var removed = 0
        for name in try remedyWorktreeNames() {
            var worktree: OpaquePointer?
            guard git_worktree_lookup(&worktree, handle, name) == 0 else { continue }
            Worktree.prune(worktree)
            git_worktree_free(worktree)
            removed += 1
        }
        var iterator: OpaquePointer?
        if git_reference_iterator_glob_new(&iterator, handle, "refs/heads/remedy-tmp/*") == 0 {
            var names: [String] = []
            var reference: OpaquePointer?
            while git_reference_next(&reference, iterator) == 0 {
                names.append(String(cString: git_reference_name(reference)))
                git_reference_free(reference)
            }
            git_reference_iterator_free(iterator)
            for name in names {
                var reference: OpaquePointer?
                if git_reference_lookup(&reference, handle, name) == 0 {
                    git_reference_delete(reference)
                    git_reference_free(reference)
                }
            }
        }
        try? FileManager.default.removeItem(atPath: stateDirectory + "/wt")
        return removed
    }
}
