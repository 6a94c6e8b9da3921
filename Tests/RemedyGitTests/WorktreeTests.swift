import Foundation
import Testing
import RemedyCore
import RemedyTestSupport
@testable import RemedyGit

/// RemedyGit against real repositories, with the git CLI as the independent witness.
@Suite struct WorktreeTests {
    /// A repository with one commit, then uncommitted, staged and untracked changes.
    func dirtyRepository() async throws -> (TemporaryFolder, Repository) {
        let folder = try await TemporaryFolder.committedRepository("git", files: ["app/helper.py": "class Helper:\n    def new_name(self):\n        return 1\n", "README.md": "readme\n"])
        try folder.write(["README.md": "readme, edited but not committed\n", "notes.txt": "untracked\n", "staged.py": "x = 1\n"])
        try await Command.git(["add", "staged.py"], in: folder.path)
        return (folder, try Repository(path: folder.path))
    }

    /// Everything a user could lose: the files, the index, HEAD and the branches.
    func snapshot(_ folder: TemporaryFolder) async throws -> [String] {
        var state: [String] = []
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let relative = walker?.nextObject() as? String {
            if relative.hasPrefix(".git") { continue }
            if let data = FileManager.default.contents(atPath: folder.path + "/" + relative) { state.append("\(relative): \(SHA256.hex(Array(data)))") }
        }
        state.sort()
        state.append(try await Command.git(["status", "--porcelain=v1", "--untracked-files=all"], in: folder.path).output)
        state.append(try await Command.git(["rev-parse", "HEAD", "--symbolic-full-name", "HEAD"], in: folder.path).output)
        state.append(SHA256.hex(Array(FileManager.default.contents(atPath: folder.path + "/.git/index") ?? Data())))
        return state
    }

    @Test func candidateCommitIsHeadPlusExactlyTheEditsAndTheUsersTreeIsUntouched() async throws {
        let (folder, repository) = try await dirtyRepository()
        let before = try await snapshot(folder)
        let head = try repository.headCommit()

        let candidate = try repository.makeCandidate(run: "t1", number: 1)
        #expect(candidate.root.hasPrefix(folder.path + "/.git/remedy/wt/"))
        // The worktree holds HEAD, not the user's uncommitted edits.
        #expect(FileManager.default.contents(atPath: candidate.root + "/README.md").map { String(decoding: $0, as: UTF8.self) } == "readme\n")
        #expect(!FileManager.default.fileExists(atPath: candidate.root + "/notes.txt"))

        let fix = Fix(title: "t", edits: [Edit.insert("\n    def old_name(self):\n        return self.new_name()\n", at: 55, in: "app/helper.py"),
                                         Edit(path: "app/new.py", kind: .create, text: "y = 2\n")], applicability: .safe)
        let changed = try FileEditor(root: URL(fileURLWithPath: candidate.root)).apply(fix)
        let commit = try candidate.commit(paths: changed, message: "Add old_name\n\nRemedy-Rule: test\n")
        try candidate.remove()

        // libgit2's diff is git's, byte for byte.
        let gitDiff = try await Command.git(["diff", head, commit.id], in: folder.path).output
        #expect(commit.diff == gitDiff)
        let files = try await Command.git(["diff", "--name-only", head, commit.id], in: folder.path).output
        #expect(files == "app/helper.py\napp/new.py\n")
        let parent = try await Command.git(["rev-parse", commit.id + "^"], in: folder.path).output
        #expect(parent == head + "\n")
        #expect(commit.email.hasPrefix("From \(commit.id) "))

        // Worktree and temporary branch are gone; the user's state is as it was.
        let worktrees = try await Command.git(["worktree", "list", "--porcelain"], in: folder.path).output
        #expect(!worktrees.contains(".git/remedy/wt"))
        let branches = try await Command.git(["branch", "--list", "remedy-tmp/*"], in: folder.path).output
        #expect(branches.isEmpty)
        #expect(try await snapshot(folder) == before)
    }

    @Test func branchesArePublishedOnlyWhenRemedyOwnsThem() async throws {
        let (folder, repository) = try await dirtyRepository()
        #expect(try repository.branchState("remedy/x/1") == .absent)
        let candidate = try repository.makeCandidate(run: "t2", number: 1)
        try Data("z = 3\n".utf8).write(to: URL(fileURLWithPath: candidate.root + "/z.py"))
        let commit = try candidate.commit(paths: ["z.py"], message: "Add z\n\nRemedy-Rule: test\nRemedy-Signature: abc\n")
        try candidate.remove()
        try repository.setBranch("remedy/x/1", to: commit.id)
        #expect(try repository.branchState("remedy/x/1") == .remedys(tree: commit.tree, where: "refs/heads/remedy/x/1"))
        let shown = try await Command.git(["show", "remedy/x/1:z.py"], in: folder.path).output
        #expect(shown == "z = 3\n")

        // A human commit on the branch makes it someone else's.
        try await Command.git(["checkout", "-q", "-b", "remedy/x/2", "remedy/x/1"], in: folder.path)
        try await Command.git(["commit", "-q", "--allow-empty", "-m", "my own work"], in: folder.path)
        try await Command.git(["checkout", "-q", "-"], in: folder.path)
        #expect(try repository.branchState("remedy/x/2") == .foreign(where: "refs/heads/remedy/x/2"))
    }

    @Test func applyingToTheWorkingTreeKeepsUncommittedChanges() async throws {
        let (folder, repository) = try await dirtyRepository()
        let candidate = try repository.makeCandidate(run: "t3", number: 1)
        try Data("class Helper:\n    def new_name(self):\n        return 1\n\n    def old_name(self):\n        return self.new_name()\n".utf8)
            .write(to: URL(fileURLWithPath: candidate.root + "/app/helper.py"))
        let commit = try candidate.commit(paths: ["app/helper.py"], message: "m\n")
        try candidate.remove()
        try repository.applyToWorkingTree(commit.diff)
        #expect(folder.read("app/helper.py")?.contains("def old_name") == true)
        #expect(folder.read("README.md") == "readme, edited but not committed\n")
        #expect(folder.read("notes.txt") == "untracked\n")
        // A patch that does not apply changes nothing and says why.
        try folder.write(["app/helper.py": "something else entirely\n"])
        #expect(throws: RemedyError.self) { try repository.applyToWorkingTree(commit.diff) }
        #expect(folder.read("app/helper.py") == "something else entirely\n")
    }

    @Test func staleCandidatesAreRemoved() async throws {
        let (folder, repository) = try await dirtyRepository()
        let candidate = try repository.makeCandidate(run: "killed", number: 7)
        _ = candidate // left behind, as by a killed run
        #expect(try repository.removeStaleCandidates() == 1)
        let worktrees = try await Command.git(["worktree", "list"], in: folder.path).output
        #expect(!worktrees.contains("remedy-killed"))
        let branches = try await Command.git(["branch", "--list", "remedy-tmp/*"], in: folder.path).output
        #expect(branches.isEmpty)
    }

    @Test func detachedHeadWorks() async throws {
        let (folder, repository) = try await dirtyRepository()
        let head = try repository.headCommit()
        try await Command.git(["checkout", "-q", "--detach"], in: folder.path)
        let candidate = try repository.makeCandidate(run: "d", number: 1)
        try Data("d = 1\n".utf8).write(to: URL(fileURLWithPath: candidate.root + "/d.py"))
        let commit = try candidate.commit(paths: ["d.py"], message: "m\n")
        try candidate.remove()
        let parent = try await Command.git(["rev-parse", commit.id + "^"], in: folder.path).output
        #expect(parent == head + "\n")
    }

    @Test func badRepositoriesGetOneLineErrors() async throws {
        let plain = TemporaryFolder("plain")
        #expect(message { try Repository(path: plain.path) }.contains("not a git repository"))
        #expect(message { try Repository(path: plain.path + "/missing") }.contains("no such folder"))
        try await Command.git(["init", "-q"], in: plain.path)
        let empty = try Repository(path: plain.path)
        #expect(message { try empty.headCommit() }.contains("no commits yet"))
    }

    /// libgit2 refuses a repository owned by someone else; Remedy says what to do.
    @Test(.enabled(if: getuid() == 0)) func foreignOwnedRepository() async throws {
        let (folder, _) = try await dirtyRepository()
        chown(folder.path, 65534, 65534)
        chown(folder.path + "/.git", 65534, 65534)
        defer { chown(folder.path, 0, 0); chown(folder.path + "/.git", 0, 0) }
        #expect(message { try Repository(path: folder.path) }.contains("owned by another user"))
    }

    func message(_ body: () throws -> some Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }
}
