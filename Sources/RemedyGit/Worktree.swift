import CLibgit2
import Foundation
import RemedyCore

/// A linked worktree at HEAD under `.git/remedy/wt/`, on a temporary branch
/// `refs/heads/remedy-tmp/<run>/<n>` (libgit2 1.5 needs a branch checked out nowhere
/// else). One candidate fix is written, tested and committed here; `remove()` prunes the
/// folder, its metadata and the branch. Owns its handles and frees each once.
public final class Worktree: CandidateWorkspace {
    public let root: String
    let name: String
    let branch: String
    let base: git_oid
    /// The last commit made here (the base until the first): the next one's parent, so
    /// commits made in one worktree stack.
    private var tip: git_oid
    private let repository: Repository
    private var worktree: OpaquePointer?
    private var handle: OpaquePointer?

    init(repository: Repository, run: String, number: Int) throws {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        self.repository = repository
        name = "remedy-\(run)-\(number)"
        branch = "remedy-tmp/\(run)/\(number)"
        let folder = repository.stateDirectory + "/wt"
        root = folder + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

        var baseID = try Git.oid(try repository.headCommit())
        base = baseID
        tip = baseID
        var commit: OpaquePointer?
        try Git.check(git_commit_lookup(&commit, repository.handle, &baseID), "git_commit_lookup")
        defer { git_commit_free(commit) }
        var reference: OpaquePointer?
        try Git.check(git_branch_create(&reference, repository.handle, branch, commit, 0), "git_branch_create")
        defer { git_reference_free(reference) }

        var options = git_worktree_add_options()
        try Git.check(git_worktree_add_options_init(&options, UInt32(GIT_WORKTREE_ADD_OPTIONS_VERSION)), "git_worktree_add_options_init")
        options.ref = reference
        var added: OpaquePointer?
        let rc = git_worktree_add(&added, repository.handle, name, root, &options)
        if rc < 0 {
            let error: Error
            do { try Git.check(rc, "git_worktree_add"); error = RemedyError.failure("git_worktree_add failed") } catch let e { error = e }
            var stale: OpaquePointer?
            if git_worktree_lookup(&stale, repository.handle, name) == 0 { Worktree.prune(stale); git_worktree_free(stale) }
            git_branch_delete(reference)
            throw error
        }
        worktree = added
        var opened: OpaquePointer?
        do {
            try Git.check(git_repository_open_from_worktree(&opened, added), "git_repository_open_from_worktree")
        } catch {
            try? remove()
            throw error
        }
        handle = opened
    }

    deinit { try? remove() }

    /// Removes a worktree's folder and metadata, locked or not.
    static func prune(_ worktree: OpaquePointer?) {
        var options = git_worktree_prune_options()
        git_worktree_prune_options_init(&options, UInt32(GIT_WORKTREE_PRUNE_OPTIONS_VERSION))
        options.flags = GIT_WORKTREE_PRUNE_VALID.rawValue | GIT_WORKTREE_PRUNE_LOCKED.rawValue | GIT_WORKTREE_PRUNE_WORKING_TREE.rawValue
        git_worktree_prune(worktree, &options)
    }

    public func commit(paths: [String], message: String) throws -> CandidateCommit {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        guard let handle else { throw RemedyError.failure("the worktree \(name) was already removed") }
        var index: OpaquePointer?
        try Git.check(git_repository_index(&index, handle), "git_repository_index")
        defer { git_index_free(index) }
        for path in paths {
            if FileManager.default.fileExists(atPath: root + "/" + path) {
                try Git.check(git_index_add_bypath(index, path), "git_index_add_bypath")
            } else {
                try Git.check(git_index_remove_bypath(index, path), "git_index_remove_bypath")
            }
        }
        var parentID = tip
        var parent: OpaquePointer?
        try Git.check(git_commit_lookup(&parent, handle, &parentID), "git_commit_lookup")
        defer { git_commit_free(parent) }
        var parentTree: OpaquePointer?
        try Git.check(git_commit_tree(&parentTree, parent), "git_commit_tree")
        defer { git_tree_free(parentTree) }

        let author = try repository.signature()
        defer { git_signature_free(author) }
        var (commitID, treeID) = try Git.commitIndex(index, in: handle, parents: [parent], author: author, message: message)
        var tree: OpaquePointer?
        try Git.check(git_tree_lookup(&tree, handle, &treeID), "git_tree_lookup")
        defer { git_tree_free(tree) }

        var diff: OpaquePointer?
        try Git.check(git_diff_tree_to_tree(&diff, handle, parentTree, tree, nil), "git_diff_tree_to_tree")
        defer { git_diff_free(diff) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try Git.check(git_diff_to_buf(&buffer, diff, GIT_DIFF_FORMAT_PATCH), "git_diff_to_buf")
        let diffText = buffer.ptr.map { String(cString: $0) } ?? ""

        var commit: OpaquePointer?
        try Git.check(git_commit_lookup(&commit, handle, &commitID), "git_commit_lookup")
        defer { git_commit_free(commit) }
        var email = git_buf()
        defer { git_buf_dispose(&email) }
        var emailOptions = git_email_create_options()
        emailOptions.version = UInt32(GIT_EMAIL_CREATE_OPTIONS_VERSION)
        emailOptions.flags = GIT_EMAIL_CREATE_DEFAULT.rawValue
        emailOptions.subject_prefix = nil
        emailOptions.start_number = 1
        try Git.check(git_diff_options_init(&emailOptions.diff_opts, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        try Git.check(git_diff_find_options_init(&emailOptions.diff_find_opts, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "git_diff_find_options_init")
        try Git.check(git_email_create_from_commit(&email, commit, &emailOptions), "git_email_create_from_commit")
        let emailText = email.ptr.map { String(cString: $0) } ?? ""

        tip = commitID
        return CandidateCommit(id: Git.oidString(commitID), tree: Git.oidString(treeID), diff: diffText, email: emailText, message: message)
    }

    public func apply(_ diff: String) throws {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        guard let handle else { throw RemedyError.failure("the worktree \(name) was already removed") }
        try Git.apply(diff, to: handle)
    }

    public func remove() throws {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        if let handle {
            git_repository_free(handle)
            self.handle = nil
        }
        if let worktree {
            Worktree.prune(worktree)
            git_worktree_free(worktree)
            self.worktree = nil
            var reference: OpaquePointer?
            if git_branch_lookup(&reference, repository.handle, branch, GIT_BRANCH_LOCAL) == 0 {
                git_branch_delete(reference)
                git_reference_free(reference)
            }
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}
