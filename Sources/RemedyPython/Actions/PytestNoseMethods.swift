import Foundation
import RemedyCore

/// `python.pytest-nose-methods`: pytest 7.2 deprecated, and 8 removed, running nose-style
/// fixture methods — a test class's `setup(self)` / `teardown(self)`, a test module's
/// `setup()` / `teardown()`. Renames them to pytest's own names, which pytest calls at the
/// same moments: `setup_method` / `teardown_method` in classes, `setup_module` /
/// `teardown_module` in modules. Only in test files (`test_*.py`, `*_test.py`); a class or
/// module that already has the pytest name, or that calls the method itself (`.setup(`),
/// is left alone and said so.
public struct PytestNoseMethods: Action {
    public let id = "python.pytest-nose-methods"
    public let applicability = Applicability.safe
    public let parameterNames: [String] = []

    static let renames = [("setup", "setup_method", "setup_module"), ("teardown", "teardown_method", "teardown_module")]

    public init() {}

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        var edits: [Edit] = []
        var left: [String] = []
        for path in PythonFiles.list(root: request.root) {
            let name = (path as NSString).lastPathComponent
            guard name.hasPrefix("test_") || name.hasSuffix("_test.py"),
                  let data = FileManager.default.contents(atPath: request.root + "/" + path) else { continue }
            let source = PythonSource(bytes: [UInt8](data))
            let calledExplicitly = Set(Self.renames.map(\.0).filter { !PythonCallSites.attributeReferences(to: $0, in: source).isEmpty })
            func rename(_ definitions: [PythonDefinition], in scope: String, method: Bool) {
                let names = Set(definitions.map(\.name))
                for (old, inClass, inModule) in Self.renames {
                    let new = method ? inClass : inModule
                    guard let definition = definitions.first(where: { $0.kind == .function && $0.name == old && !$0.isStaticMethod && !$0.isClassMethod }) else { continue }
                    if names.contains(new) { left.append("\(path): \(scope) has both \(old) and \(new)"); continue }
                    if method, calledExplicitly.contains(old) { left.append("\(path): \(scope).\(old) is also called by the code"); continue }
                    guard let range = Self.nameRange(of: definition, in: source) else { continue }
                    edits.append(Edit(path: path, kind: .replace(range), text: new))
                }
            }
            rename(source.definitions, in: "the module", method: false)
            for cls in source.definitions where cls.kind == .class && cls.name.hasPrefix("Test") {
                rename(cls.children, in: cls.name, method: true)
            }
        }
        guard !edits.isEmpty else {
            throw ActionRefusal(left.isEmpty ? "no test class or module uses nose-style setup/teardown" : left.joined(separator: "; "))
        }
        let files = Set(edits.map(\.path)).count
        return Fix(title: "Rename nose-style setup/teardown to pytest's (\(edits.count) in \(files) file\(files == 1 ? "" : "s"))",
                   edits: edits, applicability: applicability,
                   notes: ["pytest calls setup_method/teardown_method around each test of a class, and setup_module/teardown_module around a module, as nose's setup/teardown were."]
                        + left.map { "Left alone: " + $0 })
    }

    /// The byte range of a function definition's name (the NAME after its `def`).
    static func nameRange(of definition: PythonDefinition, in source: PythonSource) -> Range<Int>? {
        let tokens = source.tokens.filter { $0.isSignificant && $0.start >= definition.start && $0.start < definition.end }
        for (k, token) in tokens.enumerated() where source.text(token) == "def" && k + 1 < tokens.count {
            return tokens[k + 1].start..<tokens[k + 1].end
        }
        return nil
    }

    public var examples: [ActionExample] {
        [
            ActionExample(
                "methods of a test class and functions of a test module; decorators, other methods and sources stay",
                before: ["tests/test_loader.py": "import pytest\n\n\ndef setup():\n    pass\n\n\nclass TestModuleLoader:\n    archive = None\n\n    def setup(self):\n        self.reg = {}\n\n    @pytest.mark.skip\n    def teardown(self):\n        self.reg.clear()\n\n    def test_log(self):\n        assert self.reg == {}\n",
                         "app/setup.py": "def setup():\n    return 1\n"],
                parameters: [:],
                after: ["tests/test_loader.py": "import pytest\n\n\ndef setup_module():\n    pass\n\n\nclass TestModuleLoader:\n    archive = None\n\n    def setup_method(self):\n        self.reg = {}\n\n    @pytest.mark.skip\n    def teardown_method(self):\n        self.reg.clear()\n\n    def test_log(self):\n        assert self.reg == {}\n"]),
            ActionExample(
                "a class that calls its setup itself is left alone",
                before: ["tests/test_a.py": "class TestA:\n    def setup(self):\n        self.x = 1\n\n    def test_again(self):\n        self.setup()\n"],
                parameters: [:],
                refusal: "TestA.setup is also called by the code"),
            ActionExample(
                "pytest's names already",
                before: ["tests/test_a.py": "class TestA:\n    def setup_method(self):\n        self.x = 1\n"],
                parameters: [:],
                refusal: "no test class or module uses nose-style setup/teardown"),
        ]
    }
}
