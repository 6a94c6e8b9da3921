import Foundation
import Testing
import RemedyTestSupport
@testable import RemedyCore

@Suite struct FileEditorTests {
    @Test func appliesInsertionsReplacementsCreationsAndDeletions() throws {
        let folder = TemporaryFolder()
        try folder.write(["a.py": "one\ntwo\nthree\n", "gone.py": "x"])
        let fix = Fix(title: "t", edits: [
            Edit.insert("zero\n", at: 0, in: "a.py"),
            Edit(path: "a.py", kind: .replace(4..<7), text: "TWO"),
            Edit(path: "pkg/new.py", kind: .create, text: "new\n"),
            Edit(path: "gone.py", kind: .delete, text: ""),
        ], applicability: .safe)
        let changed = try FileEditor(root: URL(fileURLWithPath: folder.path)).apply(fix)
        #expect(Set(changed) == ["a.py", "pkg/new.py", "gone.py"])
        #expect(folder.read("a.py") == "zero\none\nTWO\nthree\n")
        #expect(folder.read("pkg/new.py") == "new\n")
        #expect(folder.read("gone.py") == nil)
    }

    @Test(arguments: ["/etc/passwd", "../outside.py", "a/../../x.py", ".git/config", "sub/.git/hooks/x"])
    func refusesPathsLeavingTheTree(path: String) throws {
        let folder = TemporaryFolder()
        let fix = Fix(title: "t", edits: [Edit(path: path, kind: .create, text: "x")], applicability: .safe)
        #expect(throws: RemedyError.self) { try FileEditor(root: URL(fileURLWithPath: folder.path)).apply(fix) }
    }

    @Test func refusesSymlinksLeavingTheTree() throws {
        let folder = TemporaryFolder()
        let outside = TemporaryFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link", withDestinationPath: outside.path)
        let fix = Fix(title: "t", edits: [Edit(path: "link/evil.py", kind: .create, text: "x")], applicability: .safe)
        #expect(throws: RemedyError.self) { try FileEditor(root: URL(fileURLWithPath: folder.path)).apply(fix) }
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/evil.py"))
    }

    @Test func refusesOverlappingEdits() throws {
        let folder = TemporaryFolder()
        try folder.write(["a.py": "abcdef"])
        let fix = Fix(title: "t", edits: [Edit(path: "a.py", kind: .replace(0..<3), text: "x"), Edit(path: "a.py", kind: .replace(2..<4), text: "y")], applicability: .safe)
        #expect(throws: RemedyError.self) { try FileEditor(root: URL(fileURLWithPath: folder.path)).apply(fix) }
    }

    @Test func applicabilityIsOrdered() {
        #expect(Applicability.displayOnly < .unsafe)
        #expect(Applicability.unsafe < .safe)
    }
}
