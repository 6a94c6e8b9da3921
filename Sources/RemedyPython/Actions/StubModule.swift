import Foundation
import RemedyCore

/// `python.stub-module` (unsafe): a module does not exist, and nothing else defines what
/// is imported from it. Creates it — and any missing package `__init__.py` on the way —
/// with every name the repository imports from it: re-exported from where it lives when
/// one module defines it, otherwise a placeholder that raises `NotImplementedError`
/// naming the module. Unsafe: the placeholders make imports succeed, not the code work.
public struct StubModule: Action {
    public let id = "python.stub-module"
    public let applicability = Applicability.unsafe
    public let parameterNames = ["module"]

    public init() {}

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        guard let module = request.parameters["module"], !module.isEmpty,
              module.split(separator: ".").allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
            throw ActionRefusal("needs a dotted module name")
        }
        let index = PythonModuleIndex(root: request.root)
        // Python names the first missing part ("No module named 'a.b'" for `from a.b.c import X`):
        // the module to create is the one the imports ask for.
        var wanted: [String: [String]] = [:]
        for entry in index.modules.values.sorted(by: { $0.path < $1.path }) {
            for statement in entry.imports where statement.level == 0 && (statement.module == module || statement.module.hasPrefix(module + ".")) {
                var names = wanted[statement.module] ?? []
                if statement.isFrom {
                    for name in statement.names where name.name != "*" && !names.contains(name.name) { names.append(name.name) }
                }
                wanted[statement.module] = names
            }
        }
        guard wanted.count <= 1 else {
            throw ActionRefusal("the imports ask for several modules under \(module) (\(wanted.keys.sorted().joined(separator: ", "))); create them by hand")
        }
        let target = wanted.keys.first ?? module
        let names = wanted[target] ?? []
        if index.module(target) != nil { return Fix(title: "Create \(target)", edits: [], applicability: applicability, notes: ["\(target) exists"]) }
        return try stub(target, names: names, index: index, root: request.root)
    }

    private func stub(_ module: String, names: [String], index: PythonModuleIndex, root: String) throws -> Fix {
        let parts = module.split(separator: ".").map(String.init)
        let manager = FileManager.default
        let base = (!manager.fileExists(atPath: root + "/" + parts[0]) && manager.fileExists(atPath: root + "/src/" + parts[0])) ? "src/" : ""
        var edits: [Edit] = []
        var folder = base
        for part in parts.dropLast() {
            folder += part + "/"
            let exists = manager.fileExists(atPath: root + "/" + folder)
            let hasInit = manager.fileExists(atPath: root + "/" + folder + "__init__.py")
            // A new folder becomes a package; an existing namespace package stays one.
            if !exists && !hasInit {
                edits.append(Edit(path: folder + "__init__.py", kind: .create, text: ""))
            }
        }
        let path = folder + parts.last! + ".py"
        var lines = ["\"\"\"Placeholder for the missing module `\(module)`, created by Remedy.", "",
                     "Names that live elsewhere are re-exported; the others raise NotImplementedError", "until they are implemented.", "\"\"\"", ""]
        var placeholders: [String] = []
        for name in names {
            let homes = index.modules(defining: [name], excluding: [module])
            if homes.count == 1 {
                lines.append("from \(homes[0].name) import \(name)  # re-exported")
            } else {
                placeholders.append(name)
            }
        }
        for name in placeholders {
            lines.append("")
            lines.append("")
            if name.first?.isUppercase == true && name.contains(where: \.isLowercase) {
                lines.append("class \(name):")
                lines.append("    def __init__(self, *args, **kwargs):")
                lines.append("        raise NotImplementedError(\"\(module).\(name) is a placeholder created by Remedy\")")
            } else {
                lines.append("def \(name)(*args, **kwargs):")
                lines.append("    raise NotImplementedError(\"\(module).\(name) is a placeholder created by Remedy\")")
            }
        }
        edits.append(Edit(path: path, kind: .create, text: lines.joined(separator: "\n") + "\n"))
        return Fix(title: "Create the missing module \(module) (\(placeholders.count) placeholder\(placeholders.count == 1 ? "" : "s"), \(names.count - placeholders.count) re-export\(names.count - placeholders.count == 1 ? "" : "s"))",
                   edits: edits, applicability: applicability,
                   notes: ["Unsafe: imports of \(module) succeed, but its placeholders raise NotImplementedError; review before merging."])
    }

    public var examples: [ActionExample] {
        [
            ActionExample(
                "a missing module inside existing packages: placeholders and a re-export",
                before: [
                    "auth_service/__init__.py": "",
                    "auth_service/auth_core/__init__.py": "",
                    "auth_service/tokens.py": "def issue_token(user):\n    return 'x'\n",
                    "tests/test_auth.py": "from auth_service.auth_core.core.session_manager import SessionManager, issue_token, open_session\n",
                ],
                parameters: ["module": "auth_service.auth_core.core"],
                after: [
                    "auth_service/auth_core/core/__init__.py": "",
                    "auth_service/auth_core/core/session_manager.py": """
                        \"\"\"Placeholder for the missing module `auth_service.auth_core.core.session_manager`, created by Remedy.

                        Names that live elsewhere are re-exported; the others raise NotImplementedError
                        until they are implemented.
                        \"\"\"

                        from auth_service.tokens import issue_token  # re-exported


                        class SessionManager:
                            def __init__(self, *args, **kwargs):
                                raise NotImplementedError("auth_service.auth_core.core.session_manager.SessionManager is a placeholder created by Remedy")


                        def open_session(*args, **kwargs):
                            raise NotImplementedError("auth_service.auth_core.core.session_manager.open_session is a placeholder created by Remedy")

                        """,
                ]),
            ActionExample(
                "not a module name",
                before: ["a.py": "x = 1\n"],
                parameters: ["module": "../etc/passwd"],
                refusal: "needs a dotted module name"),
        ]
    }
}
