import Foundation
import RemedyCore

/// `python.rename-call-sites` (unsafe): callers use a method's old name; rewrites every
/// `.old` attribute reference in the cause's files — calls and the rest, such as
/// `map(self.old, …)` — to the new name: the `to` parameter (the hint), else the class's
/// most similar method. Unsafe: which object an attribute belongs to cannot be known from
/// the text, so another class's `.old` in those files is renamed too; it is for review.
public struct RenameCallSites: Action {
    public let id = "python.rename-call-sites"
    public let applicability = Applicability.unsafe
    public let parameterNames = ["class", "from", "to"]

    public init() {}

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        guard let old = request.parameters["from"], !old.isEmpty else { throw ActionRefusal("needs the old name (`from`)") }
        var new = request.parameters["to"] ?? ""
        var why = "given"
        if new.isEmpty {
            guard let className = request.parameters["class"], !className.isEmpty else { throw ActionRefusal("needs the new name (`to`) or the class to choose it from") }
            let classes = PythonFiles.classes(named: className, root: request.root)
            guard classes.count == 1 else {
                throw ActionRefusal(classes.isEmpty ? "class \(className) is not defined in the repository" : "class \(className) is defined more than once; give `to`")
            }
            let (delegate, reason) = try AddWrapperMethod().chooseDelegate(in: classes[0].definition, missing: old, hint: "")
            new = delegate.name
            why = reason
        }
        guard new != old, new.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { throw ActionRefusal("'\(new)' is not a new method name") }
        let files = request.finding.cluster.files.map(\.path)
        var edits: [Edit] = []
        for path in files.sorted() where path.hasSuffix(".py") {
            guard let data = FileManager.default.contents(atPath: request.root + "/" + path) else { continue }
            for range in PythonCallSites.attributeReferences(to: old, in: PythonSource(bytes: [UInt8](data))) {
                edits.append(Edit(path: path, kind: .replace(range), text: new))
            }
        }
        guard !edits.isEmpty else { throw ActionRefusal("no `.\(old)` reference in the cause's files (\(files.joined(separator: ", ")))") }
        let count = Set(edits.map(\.path)).count
        return Fix(title: "Call \(new) instead of \(old) (\(edits.count) reference\(edits.count == 1 ? "" : "s") in \(count) file\(count == 1 ? "" : "s"))",
                   edits: edits, applicability: applicability,
                   notes: ["\(new): \(why).", "Unsafe: every `.\(old)` in these files is renamed, whatever object it belongs to."])
    }

    public var examples: [ActionExample] {
        [
            ActionExample(
                "calls and other references, in the cause's files only",
                before: [
                    "tests/test_ws.py": "def test_a(client):\n    client.send_message_and_wait(\"hi\")\n    send = client.send_message_and_wait\n    list(map(client.send_message_and_wait, []))\n    send_message_and_wait = 1  # a local name, not an attribute\n",
                    "other.py": "x.send_message_and_wait()\n",
                    "ws.py": "class Client:\n    def send_and_wait(self, text):\n        return text\n",
                ],
                parameters: ["class": "Client", "from": "send_message_and_wait", "to": "", "files": "tests/test_ws.py"],
                after: ["tests/test_ws.py": "def test_a(client):\n    client.send_and_wait(\"hi\")\n    send = client.send_and_wait\n    list(map(client.send_and_wait, []))\n    send_message_and_wait = 1  # a local name, not an attribute\n"]),
            ActionExample(
                "nothing refers to the old name",
                before: ["tests/test_ws.py": "def test_a(client):\n    client.other()\n"],
                parameters: ["class": "", "from": "send_message_and_wait", "to": "send_and_wait", "files": "tests/test_ws.py"],
                refusal: "no `.send_message_and_wait` reference"),
        ]
    }
}
