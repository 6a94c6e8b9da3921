import Foundation
import RemedyCore

/// `python.rewrite-module-attribute`: "module 'a' has no attribute 'X'" because X moved
/// to another module or was renamed (`collections.Mapping` → `collections.abc.Mapping`,
/// `fractions.gcd` → `math.gcd`). Rewrites every `a.X` reference — through whatever name
/// `import a` binds in each file — to the new place, and adds the import it needs right
/// after the file's `import a`. `new` is the full dotted path of the new place; without
/// it, the repository's module index is asked which module defines X.
public struct RewriteModuleAttribute: Action {
    public let id = "python.rewrite-module-attribute"
    public let applicability = Applicability.safe
    public let parameterNames = ["module", "name", "new"]

    public init() {}

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        guard let module = request.parameters["module"], !module.isEmpty, let name = request.parameters["name"], !name.isEmpty else {
            throw ActionRefusal("needs the module and the attribute it no longer has")
        }
        var target = request.parameters["new"] ?? ""
        let index = PythonModuleIndex(root: request.root)
        if target.isEmpty {
            let homes = index.modules(defining: [name], near: module, excluding: [module])
            guard homes.count == 1 else {
                throw ActionRefusal(homes.isEmpty ? "no module in the repository defines \(name); name the new place with `new`"
                                                  : "several modules define \(name) (\(homes.map(\.name).joined(separator: ", "))); name the new place with `new`")
            }
            target = homes[0].name + "." + name
        }
        guard let dot = target.lastIndex(of: "."), dot != target.startIndex else { throw ActionRefusal("`new` must be a dotted path such as collections.abc.Mapping") }
        let newModule = String(target[..<dot]), newName = String(target[target.index(after: dot)...])

        var edits: [Edit] = []
        var touched = 0
        for (path, entry) in index.modules.sorted(by: { $0.value.path < $1.value.path }).map({ ($0.value.path, $0.value) }) {
            let aliases = entry.imports.filter { !$0.isFrom && $0.module == module }
            guard !aliases.isEmpty, let data = FileManager.default.contents(atPath: request.root + "/" + path) else { continue }
            let source = PythonSource(bytes: [UInt8](data))
            var fileEdits: [Edit] = []
            for statement in aliases {
                let bound = statement.names.first?.alias ?? module
                // `bound.name` references: NAME(s) of the bound dotted name, then `.`, then NAME(name), not after a `.`.
                let parts = bound.split(separator: ".").map(String.init)
                let significant = source.tokens.filter(\.isSignificant)
                var k = 0
                while k + 2 * parts.count < significant.count {
                    var matches = (k == 0 || source.text(significant[k - 1]) != ".")
                    var m = k
                    for (n, part) in parts.enumerated() where matches {
                        if n > 0 { matches = source.text(significant[m]) == "."; m += 1 }
                        matches = matches && significant[m].kind == .name && source.text(significant[m]) == part
                        m += 1
                    }
                    if matches, m + 1 < significant.count, source.text(significant[m]) == ".", significant[m + 1].kind == .name, source.text(significant[m + 1]) == name {
                        let replacement = newModule == module || newModule.hasPrefix(module + ".")
                            ? bound + newModule.dropFirst(module.count) + "." + newName
                            : newModule + "." + newName
                        fileEdits.append(Edit(path: path, kind: .replace(significant[k].start..<significant[m + 1].end), text: replacement))
                        k = m + 2
                        continue
                    }
                    k += 1
                }
            }
            guard !fileEdits.isEmpty else { continue }
            // The import the new place needs, after the first `import module`.
            let needsImport = newModule != module && !entry.imports.contains { !$0.isFrom && $0.module == newModule && $0.names.first?.alias == nil }
            if needsImport, let anchor = aliases.first {
                fileEdits.append(source.insertLine("import " + newModule, after: anchor, in: path))
            }
            edits += fileEdits
            touched += 1
        }
        guard !edits.isEmpty else {
            throw ActionRefusal("no file refers to \(module).\(name) through `import \(module)`")
        }
        let references = edits.filter { if case let .replace(r) = $0.kind { return !r.isEmpty } else { return false } }.count
        return Fix(title: "Use \(target) instead of \(module).\(name) (\(references) reference\(references == 1 ? "" : "s") in \(touched) file\(touched == 1 ? "" : "s"))",
                   edits: edits, applicability: applicability, notes: ["\(module).\(name) is gone; \(target) is where it lives now."])
    }

    public var examples: [ActionExample] {
        [
            ActionExample(
                "a name that moved to a submodule: the reference and the import it needs",
                before: ["tests/test_compat.py": "import collections\nimport os\n\n\ndef test_mapping():\n    assert isinstance({}, collections.Mapping)\n    assert collections.OrderedDict\n"],
                parameters: ["module": "collections", "name": "Mapping", "new": "collections.abc.Mapping"],
                after: ["tests/test_compat.py": "import collections\nimport collections.abc\nimport os\n\n\ndef test_mapping():\n    assert isinstance({}, collections.abc.Mapping)\n    assert collections.OrderedDict\n"]),
            ActionExample(
                "a name that moved to another module, through an alias",
                before: ["calc.py": "import fractions as fr\n\nvalue = fr.gcd(4, 6) + fr.gcd(2, 4)\nother = x.fr.gcd\n"],
                parameters: ["module": "fractions", "name": "gcd", "new": "math.gcd"],
                after: ["calc.py": "import fractions as fr\nimport math\n\nvalue = math.gcd(4, 6) + math.gcd(2, 4)\nother = x.fr.gcd\n"]),
            ActionExample(
                "nothing refers to it through the module",
                before: ["a.py": "from time import clock\n"],
                parameters: ["module": "time", "name": "clock", "new": "time.perf_counter"],
                refusal: "no file refers to time.clock"),
        ]
    }
}
