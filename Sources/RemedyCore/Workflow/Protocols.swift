/// Runs a language's tests and reads what they reported (for Python: pytest with a JUnit file).
public protocol TestRunner: Sendable {
    /// Runs the given test ids or files (the whole suite when empty) in `directory`.
    func run(tests: [String], in directory: String) async throws -> TestRunReport
}

/// One test run Remedy started: what it reported, how it ended, how long it took.
public struct TestRunReport: Sendable {
    public var run: TestRun
    public var command: [String]
    public var status: Int32
    public var output: String
    public var seconds: Double
    public var timedOut: Bool

    public init(run: TestRun, command: [String], status: Int32, output: String, seconds: Double, timedOut: Bool) {
        self.run = run
        self.command = command
        self.status = status
        self.output = output
        self.seconds = seconds
        self.timedOut = timedOut
    }
}

/// A commit Remedy made in a candidate's worktree.
public struct CandidateCommit: Sendable {
    public var id: String
    public var tree: String
    /// The unified diff from its parent — the base commit, unless it is stacked on another
    /// commit of the same worktree (libgit2's, byte for byte `git diff`).
    public var diff: String
    /// The commit in `git format-patch` form, for `git am`.
    public var email: String
    /// The commit message.
    public var message: String

    public init(id: String, tree: String, diff: String, email: String, message: String = "") {
        self.id = id
        self.tree = tree
        self.diff = diff
        self.email = email
        self.message = message
    }
}

/// An isolated checkout of the repository's HEAD where one candidate fix is written,
/// tested and committed (a linked git worktree). Not Sendable: one task owns it.
public protocol CandidateWorkspace: AnyObject {
    /// Absolute path of the checkout.
    var root: String { get }
    /// Applies a unified diff to the checkout (all hunks or none).
    func apply(_ diff: String) throws
    /// Commits HEAD plus exactly the given paths' changes.
    func commit(paths: [String], message: String) throws -> CandidateCommit
    /// Removes the checkout and its temporary branch.
    func remove() throws
}

/// What a branch name already holds.
public enum BranchState: Sendable, Equatable {
    case absent
    /// Every commit between the base and the tip is Remedy's; the tip's tree is given.
    case remedys(tree: String, where: String)
    /// Someone else's commits are on it.
    case foreign(where: String)
}

/// The repository Remedy repairs, seen through the version-control layer (RemedyGit).
public protocol SourceControl: AnyObject {
    /// Absolute path of the working tree.
    var workdir: String { get }
    /// Absolute path of the folder where Remedy keeps its state (`.git/remedy`).
    var stateDirectory: String { get }
    /// The HEAD commit's id.
    func headCommit() throws -> String
    /// Paths (relative) that differ from HEAD in the working tree, untracked included.
    func dirtyPaths() throws -> [String]
    /// A fresh isolated checkout of HEAD.
    func makeCandidate(run: String, number: Int) throws -> any CandidateWorkspace
    /// What the branch holds, locally or on a remote-tracking ref.
    func branchState(_ name: String) throws -> BranchState
    /// Points the branch at the commit (creating or moving it).
    func setBranch(_ name: String, to commit: String) throws
    /// Pushes the branch to the remote; an error carries the remote's reason.
    func push(_ branch: String, to remote: String) throws
    /// Applies a diff to the working tree only (not the index), and only if every hunk
    /// applies cleanly over the user's uncommitted changes; otherwise changes nothing.
    func applyToWorkingTree(_ diff: String) throws
    /// Removes worktrees and temporary branches left by killed runs.
    func removeStaleCandidates() throws -> Int
}
