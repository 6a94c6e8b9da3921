import Foundation
import RemedyCore

/// `python.rewrite-import`: a module moved (or was deprecated for another path), and
/// imports still name the old one. Rewrites every absolute import of `module` in the
/// repository to the module that now defines the imported names — found through the
/// repository's module index (the one most like the old name when several do), or given
/// as `new` when a deprecation message names it. Only the module's text changes: aliases,
/// the other names, formatting and comments stay. Plain `import a.b` without an alias is
/// refused (its uses name the module).
public struct RewriteImport: Action {
    public let id = "python.rewrite-import"
    public let applicability = Applicability.safe
    public let parameterNames = ["module", "name", "new"]

    public init() {}

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        try makeFix(request, index: PythonModuleIndex(root: request.root))
    }

    /// The fix, reading the repository through an index the caller already built.
    func makeFix(_ request: ActionRequest, index: PythonModuleIndex) throws -> Fix {
        guard let module = request.parameters["module"], !module.isEmpty else { throw ActionRefusal("needs the module that moved") }
        // `name` may list several names (a,b,c): the ones that moved together.
        let onlyNames = (request.parameters["name"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let onlyName = onlyNames.isEmpty ? nil : onlyNames.joined(separator: ", ")
        let given = request.parameters["new"].flatMap { $0.isEmpty ? nil : $0 }
        let root = request.root
        var edits: [Edit] = []
        var notes: [String] = []
        var targets: Set<String> = []
        var refusals: [String] = []
        var sawImport = false
        for entry in index.modules.values.sorted(by: { $0.path < $1.path }) {
            for statement in entry.imports where statement.level == 0 && (statement.module == module || statement.module.hasPrefix(module + ".")) {
                if !onlyNames.isEmpty, !statement.names.contains(where: { onlyNames.contains($0.name) }) { continue }
                // Already importing from the new place (which may sit under the old one: collections.abc).
                if let given, statement.module == given || statement.module.hasPrefix(given + ".") { continue }
                sawImport = true
                let suffix = String(statement.module.dropFirst(module.count))
                let target: String
                if let given, !onlyNames.isEmpty, statement.isFrom, !statement.names.allSatisfy({ onlyNames.contains($0.name) }) {
                    // Only some of the statement's names moved: take them out, import them from their new place.
                    try split(statement, names: onlyNames, to: given, in: entry, root: root, &edits)
                    targets.insert(given)
                    continue
                } else if let given {
                    target = given + suffix
                } else {
                    guard statement.isFrom else {
                        if statement.names.first?.alias == nil {
                            refusals.append("\(entry.path):\(statement.line): `import \(statement.module)` names the module wherever it is used; rewrite it by hand")
                            continue
                        }
                        let moved = index.modules(named: String(statement.module.split(separator: ".").last!)).filter { $0.name != statement.module }
                        guard moved.count == 1 else {
                            refusals.append("\(entry.path):\(statement.line): \(moved.isEmpty ? "no module" : "several modules") named like \(statement.module)")
                            continue
                        }
                        target = moved[0].name
                        emit(statement, in: entry, to: target, &edits, &targets)
                        continue
                    }
                    let names = statement.names.map(\.name).filter { $0 != "*" }
                    guard !names.isEmpty else {
                        refusals.append("\(entry.path):\(statement.line): a star import does not say which names it needs")
                        continue
                    }
                    let candidates = index.modules(defining: names, near: statement.module, excluding: [statement.module])
                    guard let best = candidates.first else {
                        refusals.append("no module in the repository defines \(names.joined(separator: ", ")) (imported from \(statement.module) in \(entry.path):\(statement.line))")
                        continue
                    }
                    if candidates.count > 1,
                       NameSimilarity.score(statement.module, candidates[1].name) == NameSimilarity.score(statement.module, best.name) {
                        refusals.append("\(best.name) and \(candidates[1].name) both define \(names.joined(separator: ", ")); say which with `new`")
                        continue
                    }
                    target = best.name
                    notes.append("\(names.joined(separator: ", ")) \(names.count == 1 ? "is" : "are") defined in \(best.path).")
                }
                emit(statement, in: entry, to: target, &edits, &targets)
            }
        }
        guard sawImport else { throw ActionRefusal("no file in the repository imports \(onlyName.map { "\($0) from " } ?? "")\(module)") }
        guard !edits.isEmpty else {
            if refusals.isEmpty {
                return Fix(title: "Import from \(targets.sorted().joined(separator: ", ")) instead of \(module)", edits: [], applicability: applicability)
            }
            throw ActionRefusal(refusals.joined(separator: "; "))
        }
        notes += refusals.map { "Left alone: " + $0 }
        let files = Set(edits.map(\.path)).count
        return Fix(title: "Import from \(targets.sorted().joined(separator: ", ")) instead of \(module) (\(edits.count) import\(edits.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s"))",
                   edits: edits, applicability: applicability, notes: notes)
    }

    /// The fix, asking the project's interpreter where the names went when no module of
    /// the repository defines them (a standard-library or installed module moved them:
    /// `from collections import Mapping` → `collections.abc`).
    public func fix(_ request: ActionRequest) async throws -> Fix {
        // The repository is read once, for every question below and the fix itself.
        let index = PythonModuleIndex(root: request.root)
        // Names that left the old module together: when a rule names one (`Container`) and
        // the statement imports more that the old module lacks and the new one has
        // (`Iterable`, `MutableSet`), they all move in one fix.
        if let module = request.parameters["module"], let new = request.parameters["new"], !new.isEmpty,
           let name = request.parameters["name"], !name.isEmpty, !name.contains(",") {
            var others = Set<String>()
            for entry in index.modules.values {
                for statement in entry.imports where statement.isFrom && statement.level == 0 && statement.module == module && statement.names.contains(where: { $0.name == name }) {
                    others.formUnion(statement.names.map(\.name).filter { $0 != name && $0 != "*" })
                }
            }
            if !others.isEmpty {
                let lookup = InstalledModuleLookup(python: request.interpreter ?? PythonInterpreter.resolve(flag: nil, repository: request.root))
                let (old, target) = (Set(await lookup.names(in: module)), Set(await lookup.names(in: new)))
                let moving = others.filter { !old.contains($0) && target.contains($0) }.sorted()
                if !old.isEmpty, !target.isEmpty, !moving.isEmpty {
                    var asked = request
                    asked.parameters["name"] = ([name] + moving).joined(separator: ",")
                    return try makeFix(asked, index: index)
                }
            }
        }
        do {
            return try makeFix(request, index: index)
        } catch let refusal as ActionRefusal {
            guard let module = request.parameters["module"], !module.isEmpty, (request.parameters["new"] ?? "").isEmpty else { throw refusal }
            let onlyName = request.parameters["name"].flatMap { $0.isEmpty ? nil : $0 }
            var names = Set<String>()
            for entry in index.modules.values {
                for statement in entry.imports where statement.isFrom && statement.level == 0 && statement.module == module {
                    names.formUnion(statement.names.map(\.name).filter { $0 != "*" && (onlyName == nil || $0 == onlyName) })
                }
            }
            let python = request.interpreter ?? PythonInterpreter.resolve(flag: nil, repository: request.root)
            let lookup = InstalledModuleLookup(python: python)
            guard let home = await lookup.modules(defining: names.sorted(), formerly: module).first else {
                // A package that is neither in the repository nor installed did not move:
                // it is missing, and installing it is the fix (not Remedy's to make).
                let top = String(module.prefix { $0 != "." })
                if index.module(top) == nil, !index.modules.keys.contains(where: { $0.hasPrefix(top + ".") }), await lookup.names(in: top).isEmpty {
                    throw ActionRefusal("\(top) is not installed for \(python) and is not part of the repository: a missing package, not a moved module (install the distribution that provides it); \(refusal.reason)")
                }
                throw refusal
            }
            var asked = request
            asked.parameters["new"] = home
            var fix = try makeFix(asked, index: index)
            fix.notes.append("\(python) says \(names.sorted().joined(separator: ", ")) \(names.count == 1 ? "lives" : "live") in \(home).")
            return fix
        }
    }

    /// `from m import a, X, b` → `from m import a, b` and, on the next line, `from new import X`.
    /// `from m import a, X, b, Y` → `from m import a, b` and, on the next line,
    /// `from new import X, Y` (aliases kept). At least one name stays.
    private func split(_ statement: PythonImport, names moving: [String], to target: String, in entry: PythonModuleIndex.Module, root: String, _ edits: inout [Edit]) throws {
        guard let data = FileManager.default.contents(atPath: root + "/" + entry.path) else { return }
        let source = PythonSource(bytes: [UInt8](data))
        let names = statement.names
        guard let firstKept = names.firstIndex(where: { !moving.contains($0.name) }), names.allSatisfy({ $0.range != nil }) else { return }
        var moved: [PythonImport.Name] = []
        for (position, entryName) in names.enumerated() where moving.contains(entryName.name) {
            moved.append(entryName)
            let range = entryName.range!
            // Remove the name with the comma that joins it to its neighbour: the one before
            // it, or, for names before the first kept one, the one after (in one piece).
            if position > firstKept {
                edits.append(Edit(path: entry.path, kind: .replace(names[position - 1].range!.upperBound..<range.upperBound), text: ""))
            } else if position == 0 {
                edits.append(Edit(path: entry.path, kind: .replace(range.lowerBound..<names[firstKept].range!.lowerBound), text: ""))
            }
        }
        let list = moved.map { $0.name + ($0.alias.map { " as \($0)" } ?? "") }.joined(separator: ", ")
        edits.append(source.insertLine("from \(target) import \(list)", after: statement, in: entry.path))
    }

    private func emit(_ statement: PythonImport, in entry: PythonModuleIndex.Module, to target: String, _ edits: inout [Edit], _ targets: inout Set<String>) {
        targets.insert(target)
        guard statement.module != target else { return }
        edits.append(Edit(path: entry.path, kind: .replace(statement.moduleRange), text: target))
    }

    public var examples: [ActionExample] {
        [
            ActionExample(
                "a moved module: the names are found where they now live; aliases, other names and comments stay",
                before: [
                    "app/__init__.py": "",
                    "app/llm/__init__.py": "",
                    "app/llm/providers.py": "class OpenAIProvider:\n    pass\n\n\nclass LocalProvider:\n    pass\n",
                    "tests/test_llm.py": "import os\nfrom app.llm_providers import (  # providers moved\n    OpenAIProvider as Provider,\n    LocalProvider,\n)\n\n\ndef test_x():\n    from app.llm_providers import LocalProvider\n    assert Provider and LocalProvider\n",
                ],
                parameters: ["module": "app.llm_providers", "name": "", "new": ""],
                after: ["tests/test_llm.py": "import os\nfrom app.llm.providers import (  # providers moved\n    OpenAIProvider as Provider,\n    LocalProvider,\n)\n\n\ndef test_x():\n    from app.llm.providers import LocalProvider\n    assert Provider and LocalProvider\n"]),
            ActionExample(
                "a deprecation names the new path",
                before: [
                    "shared/logging/unified_logger_factory.py": "from shared.logging.unified_logging_ssot import get_logger\n",
                    "shared/logging/unified_logging_ssot.py": "def get_logger():\n    return 1\n",
                    "app/service.py": "from shared.logging.unified_logger_factory import get_logger\n\nlog = get_logger()\n",
                ],
                parameters: ["module": "shared.logging.unified_logger_factory", "name": "", "new": "shared.logging.unified_logging_ssot"],
                after: ["app/service.py": "from shared.logging.unified_logging_ssot import get_logger\n\nlog = get_logger()\n",
                        "shared/logging/unified_logger_factory.py": "from shared.logging.unified_logging_ssot import get_logger\n"]),
            ActionExample(
                "cannot import name: only statements importing that name",
                before: [
                    "pkg/api.py": "def Thing0():\n    pass\n",
                    "pkg/legacy.py": "def helper():\n    pass\n",
                    "pkg/things.py": "class Thing1:\n    pass\n",
                    "t.py": "from pkg.legacy import helper\nfrom pkg.api import Thing1\n",
                ],
                parameters: ["module": "pkg.api", "name": "Thing1", "new": ""],
                after: ["t.py": "from pkg.legacy import helper\nfrom pkg.things import Thing1\n"]),
            ActionExample(
                "one name of several moved to the standard library's new home",
                before: ["tests/test_compat.py": "from collections import OrderedDict, Mapping as M, deque  # py3.10\n\n\ndef test_x():\n    assert M and OrderedDict and deque\n"],
                parameters: ["module": "collections", "name": "Mapping", "new": "collections.abc"],
                after: ["tests/test_compat.py": "from collections import OrderedDict, deque  # py3.10\nfrom collections.abc import Mapping as M\n\n\ndef test_x():\n    assert M and OrderedDict and deque\n"]),
            ActionExample(
                "several names moved together (werkzeug 0.14's datastructures): first, middle and last, one kept",
                before: ["werkzeug/datastructures.py": "import re\nfrom collections import Container, Iterable, deque, MutableSet as MS\n\n\nclass A(Container):\n    pass\n"],
                parameters: ["module": "collections", "name": "Container,Iterable,MutableSet", "new": "collections.abc"],
                after: ["werkzeug/datastructures.py": "import re\nfrom collections import deque\nfrom collections.abc import Container, Iterable, MutableSet as MS\n\n\nclass A(Container):\n    pass\n"]),
            ActionExample(
                "nothing in the repository defines the names",
                before: ["tests/test_a.py": "from auth_service.auth_core.core.session_manager import SessionManager\n"],
                parameters: ["module": "auth_service.auth_core.core.session_manager", "name": "", "new": ""],
                refusal: "no module in the repository defines SessionManager"),
            ActionExample(
                "a plain import names the module where it is used",
                before: ["a.py": "import old.place\n\nold.place.run()\n", "new/place.py": "def run():\n    pass\n"],
                parameters: ["module": "old.place", "name": "", "new": ""],
                refusal: "names the module wherever it is used"),
            ActionExample(
                "two modules define the names equally well",
                before: ["a/x.py": "class K:\n    pass\n", "b/x.py": "class K:\n    pass\n", "t.py": "from gone.x import K\n"],
                parameters: ["module": "gone.x", "name": "", "new": ""],
                refusal: "both define K"),
        ]
    }
}
