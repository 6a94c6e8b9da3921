import Foundation
import RemedyCore

/// `python.rename-imported-name`: a library renamed a name and dropped the old alias
/// ("cannot import name 'soft_unicode' from 'markupsafe'": MarkupSafe 2.1 keeps only
/// `soft_str`). Rewrites every `from module import name` in the repository to
/// `from module import new as name`, so the code that uses the old name keeps working; an
/// existing alias is kept (`new as alias`). Only the name's text changes: the other names,
/// parentheses, comments and layout stay.
///
/// `new` comes from the playbook; without it, the project's interpreter is asked for the
/// module's names and the one most like the old name is taken — an inference, so a rule
/// that relies on it should mark the strategy unsafe.
public struct RenameImportedName: Action {
    public let id = "python.rename-imported-name"
    public let applicability = Applicability.safe
    public let parameterNames = ["module", "name", "new"]

    public init() {}

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        guard let module = request.parameters["module"], !module.isEmpty, let name = request.parameters["name"], !name.isEmpty else {
            throw ActionRefusal("needs the module and the name it no longer has")
        }
        guard let new = request.parameters["new"], !new.isEmpty else {
            throw ActionRefusal("needs the new name (`new`), or the project's interpreter to suggest one")
        }
        guard new != name else { throw ActionRefusal("the new name is the old one") }
        var edits: [Edit] = []
        var sawImport = false
        for entry in PythonModuleIndex(root: request.root).modules.values.sorted(by: { $0.path < $1.path }) {
            for statement in entry.imports where statement.isFrom && statement.level == 0 && statement.module == module {
                for imported in statement.names where imported.name == name {
                    guard let range = imported.range else { continue }
                    sawImport = true
                    edits.append(Edit(path: entry.path, kind: .replace(range), text: "\(new) as \(imported.alias ?? name)"))
                }
                // Already renamed (`new as name`): nothing to do, and not a refusal.
                if statement.names.contains(where: { $0.name == new && $0.bound == name }) { sawImport = true }
            }
        }
        guard sawImport else { throw ActionRefusal("no file in the repository imports \(name) from \(module)") }
        let files = Set(edits.map(\.path)).count
        return Fix(title: "Import \(module).\(new) as \(name)" + (edits.isEmpty ? "" : " (\(edits.count) import\(edits.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s"))"),
                   edits: edits, applicability: applicability,
                   notes: ["\(module) no longer has \(name); \(new) takes its place, imported under the old name so its uses stay as they are."])
    }

    /// The fix, asking the project's interpreter for the module's most similar name when
    /// the playbook names none.
    public func fix(_ request: ActionRequest) async throws -> Fix {
        guard (request.parameters["new"] ?? "").isEmpty, let module = request.parameters["module"], !module.isEmpty,
              let name = request.parameters["name"], !name.isEmpty else { return try makeFix(request) }
        let python = request.interpreter ?? PythonInterpreter.resolve(flag: nil, repository: request.root)
        let names = await InstalledModuleLookup(python: python).names(in: module)
        switch NameSimilarity.closest(to: name, among: names.filter { $0 != name && !$0.hasPrefix("_") }) {
        case .none:
            throw ActionRefusal("\(module) has no name like \(name)\(names.isEmpty ? " (the interpreter could not import it)" : "")")
        case let .tie(first, second):
            throw ActionRefusal("\(module).\(first) and \(module).\(second) are equally like \(name); name the new one with `new`")
        case let .best(best, score):
            var asked = request
            asked.parameters["new"] = best
            var fix = try makeFix(asked)
            fix.notes.append(String(format: "\(python) lists \(module).\(best) as the name most like \(name) (%.2f).", score))
            return fix
        }
    }

    public var examples: [ActionExample] {
        [
            ActionExample(
                "a name a library renamed: imported under the old name; the others, parentheses and comments stay",
                before: ["jinja2/utils.py": "# Imported here because that's where it was in the past\nfrom markupsafe import Markup, escape, soft_unicode\n",
                         "jinja2/filters.py": "from markupsafe import (  # escaping\n    escape,\n    soft_unicode as text,\n)\n\n\ndef do_lower(s):\n    return text(s).lower()\n"],
                parameters: ["module": "markupsafe", "name": "soft_unicode", "new": "soft_str"],
                after: ["jinja2/utils.py": "# Imported here because that's where it was in the past\nfrom markupsafe import Markup, escape, soft_str as soft_unicode\n",
                        "jinja2/filters.py": "from markupsafe import (  # escaping\n    escape,\n    soft_str as text,\n)\n\n\ndef do_lower(s):\n    return text(s).lower()\n"]),
            ActionExample(
                "no file imports the name from that module",
                before: ["a.py": "from markupsafe import escape\n"],
                parameters: ["module": "markupsafe", "name": "soft_unicode", "new": "soft_str"],
                refusal: "no file in the repository imports soft_unicode from markupsafe"),
            ActionExample(
                "no new name and no interpreter asked (makeFix alone)",
                before: ["a.py": "from markupsafe import soft_unicode\n"],
                parameters: ["module": "markupsafe", "name": "soft_unicode", "new": ""],
                refusal: "needs the new name"),
        ]
    }
}
