import Foundation
import Testing
import RemedyTestSupport
@testable import RemedyPython

/// The symbol index: what Python's `ast` gives for `tree.body` and each class body.
@Suite struct SymbolTests {
    @Test func topLevelDefinitionsMethodsAndAssignments() {
        let text = """
            import os
            A = B = 1; C = 2
            x: int = 3
            if os.name == "nt":
                def windows_only(): pass
            class Helper(Base):
                limit = 3
                @staticmethod
                def build(): pass
                async def fetch(self):
                    def inner(): pass
                class Nested:
                    def deep(self): pass
            @decorator
            async def main():
                value = 1
            else_ = {"a": 1}
            print(A == B)

            """
        let symbols = PythonSymbols.read(Array(text.utf8))
        #expect(symbols == [
            PythonSymbol(name: "A", kind: .variable, line: 2),
            PythonSymbol(name: "B", kind: .variable, line: 2),
            PythonSymbol(name: "C", kind: .variable, line: 2),
            PythonSymbol(name: "x", kind: .variable, line: 3),
            PythonSymbol(name: "windows_only", kind: .function, line: 5, conditional: true),
            PythonSymbol(name: "Helper", kind: .class, line: 6),
            PythonSymbol(name: "build", kind: .function, line: 9, container: "Helper"),
            PythonSymbol(name: "fetch", kind: .asyncFunction, line: 10, container: "Helper"),
            PythonSymbol(name: "main", kind: .asyncFunction, line: 15),
            PythonSymbol(name: "else_", kind: .variable, line: 17),
        ])
    }

    /// Definitions under top-level `if`/`try` (and in classes so defined, or under an `if`
    /// in a class body) are listed, marked conditional; function bodies are not read.
    @Test func conditionalDefinitionsAreMarked() throws {
        let text = """
            try:
                import json
                HAVE = True
            except ImportError:
                HAVE = False
                def loads(x): return x
            if HAVE:
                class Fast:
                    def go(self): pass
            class Plain:
                if HAVE:
                    def maybe(self): pass
                def always(self):
                    def inner(): pass

            """
        let symbols = PythonSymbols.read(Array(text.utf8))
        #expect(symbols.map { "\($0.container.map { $0 + "." } ?? "")\($0.name)\($0.conditional ? "?" : "")" }
                == ["HAVE?", "HAVE?", "loads?", "Fast?", "Fast.go?", "Plain", "Plain.maybe?", "Plain.always"])
        let source = PythonSource(text: text)
        #expect(source.definitions.map { "\($0.name)\($0.isConditional ? "?" : "")" } == ["loads?", "Fast?", "Plain"])
        let plain = try #require(source.definitions.last)
        #expect(plain.children.map { "\($0.name)\($0.isConditional ? "?" : "")" } == ["maybe?", "always"])
        let fast = try #require(source.definitions.first { $0.name == "Fast" })
        #expect(fast.children.first?.isConditional == true)
    }

    /// The index's questions: who imports a module (absolute, relative, `from . import m`),
    /// and a class's methods with those inherited within the repository, through aliases,
    /// `module.Base` and a package's re-export; a lower definition hides the one above.
    @Test func importersAndInheritedMethods() throws {
        let folder = TemporaryFolder("index")
        try folder.write([
            "app/__init__.py": "",
            "app/models/__init__.py": "from .base import Base as Model\n",
            "app/models/base.py": "class Root:\n    def save(self): pass\n    def describe(self): pass\n\nclass Base(Root):\n    def save(self): pass\n    def load(self): pass\n",
            "app/models/user.py": "from . import base\nfrom app.models import Model\n\nclass Admin(base.Base):\n    def grant(self): pass\n\nclass User(Model, metaclass=type):\n    def describe(self): pass\n",
            "tests/test_user.py": "import app.models.user as u\nfrom app.models.base import Root\n\ndef test():\n    from app import models\n",
        ])
        let index = PythonModuleIndex(root: folder.path)
        #expect(index.importers(of: "app.models.base").map(\.path) == ["app/models/__init__.py", "app/models/user.py", "tests/test_user.py"])
        #expect(index.importers(of: "app.models.user").map(\.path) == ["tests/test_user.py"])
        #expect(index.methods(ofClass: "User", in: "app.models.user").map { "\($0.owner).\($0.method.name)" }
                == ["app.models.user.User.describe", "app.models.base.Base.save", "app.models.base.Base.load"])
        #expect(index.methods(ofClass: "Admin", in: "app.models.user").map { "\($0.owner).\($0.method.name)" }
                == ["app.models.user.Admin.grant", "app.models.base.Base.save", "app.models.base.Base.load", "app.models.base.Root.describe"])
        let exporting = PythonSource(text: "__all__ = ['A', \"B\"]\nif x:\n    __all__ = ['no']\n__all__ += ('C',)\n__all__.append(u'D')\n__all__.extend([\n    'E',  # e\n])\n")
        #expect(exporting.exports == ["A", "B", "C", "D", "E"])
        #expect(PythonSource(text: "x = 1\n").exports == nil)
        let source = PythonSource(text: "class C(A, b.B, *mixins, metaclass=M):\n    pass\n")
        #expect(source.definitions.first?.bases == ["A", "b.B"])
    }

    /// Bad input is skipped with a warning naming the file, never a crash or a hang:
    /// symlink loops (relative and absolute), binary and huge `.py` files, syntax errors,
    /// undecodable bytes, mixed tabs and spaces.
    @Test func badFilesAreSkippedOrReadAsFarAsTheyGo() throws {
        let folder = TemporaryFolder("bad-python")
        try folder.write(["pkg/good.py": "class A:\n    def ok(self): pass\n"])
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/pkg/loop", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/pkg/loop2", withDestinationPath: folder.path)
        try Data([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2] + Array(repeating: 0xff, count: 100)).write(to: URL(fileURLWithPath: folder.path + "/pkg/binary.py"))
        try Data(Array("def f() -> :\n  x = ".utf8) + [0xff, 0xfe] + Array("\n\tif x:\n        pass\nclass B:\n\tdef b(self): pass\n".utf8))
            .write(to: URL(fileURLWithPath: folder.path + "/pkg/broken.py"))
        try Data(repeating: 0x23, count: 17 << 20).write(to: URL(fileURLWithPath: folder.path + "/pkg/huge.py"))
        let files = PythonFiles.list(root: folder.path, includeEverything: true)
        #expect(files == ["pkg/binary.py", "pkg/broken.py", "pkg/good.py", "pkg/huge.py"])
        let (output, count, skipped) = PythonSymbols.jsonLines(root: folder.path, files: files)
        #expect(skipped == ["pkg/binary.py: binary (has NUL bytes)", "pkg/huge.py: larger than 16 MB"])
        let text = String(decoding: output, as: UTF8.self)
        #expect(count == 5, "\(text)")
        #expect(text.contains("\"name\": \"b\", \"kind\": \"function\", \"line\": 6, \"container\": \"B\""), "\(text)")
    }

    /// The baseline script beside the repository (`shared/bench`, as CI lays it out).
    static let baseline: String? = [Fixtures.packageRoot + "/../shared/bench/baseline_symbols.py"]
        .first { FileManager.default.fileExists(atPath: $0) }

    /// The same symbols as `ast` (the baseline script) on real files of the standard library.
    @Test(.enabled(if: baseline != nil, "needs shared/bench beside the repository"))
    func agreesWithPythonsAstOnRealFiles() async throws {
        let stdlib = try await Command.run("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], in: "/").output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let sample = TemporaryFolder("symbols")
        for file in ["json/decoder.py", "asyncio/locks.py", "collections/__init__.py", "dataclasses.py", "typing.py"] {
            try FileManager.default.createDirectory(atPath: sample.path + "/" + (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: stdlib + "/" + file, toPath: sample.path + "/" + file)
        }
        let script = try #require(Self.baseline)
        let expected = try await Command.run("python3", [script, sample.path], in: "/").output
        let (output, _, _) = PythonSymbols.jsonLines(root: sample.path, files: PythonFiles.list(root: sample.path, includeEverything: true))
        func rows(_ text: String) -> Set<String> {
            Set(text.split(separator: "\n").compactMap { line -> String? in
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return "\(o["module"]!) \(o["path"]!) \(o["name"]!) \(o["kind"]!) \(o["line"]!) \(o["container"] as? String ?? "-")"
            })
        }
        let want = rows(expected), got = rows(String(decoding: output, as: UTF8.self))
        #expect(want.count > 500)
        #expect(want.subtracting(got).isEmpty, "missing: \(want.subtracting(got).sorted().prefix(5))")
    }
}
