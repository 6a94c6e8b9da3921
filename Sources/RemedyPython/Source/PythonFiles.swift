import Foundation

/// The Python files of a repository: every `.py` file except those in hidden folders,
/// `__pycache__`, virtual environments (a folder with `pyvenv.cfg`), `site-packages` and
/// `node_modules` — Remedy never edits installed code.
public enum PythonFiles {
    static let skippedFolders: Set<String> = ["__pycache__", "node_modules", "site-packages", "dist-packages"]

    /// Relative paths, sorted. `includeEverything` also walks site-packages and virtual
    /// environments (for indexing a library tree such as the standard library).
    public static func list(root: String, includeEverything: Bool = false) -> [String] {
        var result: [String] = []
        let manager = FileManager.default
        var visited: Set<String> = []
        func walk(_ relative: String) {
            let absolute = relative.isEmpty ? root : root + "/" + relative
            // The real path (realpath(3): Foundation's resolvingSymlinksInPath does not follow
            // a relative link such as `loop -> ..`), so a symlink loop is walked once.
            guard let resolved = realpath(absolute, nil) else { return }
            let real = String(cString: resolved)
            free(resolved)
            guard visited.insert(real).inserted else { return }
            guard let names = try? manager.contentsOfDirectory(atPath: absolute) else { return }
            if !includeEverything, !relative.isEmpty, names.contains("pyvenv.cfg") { return }
            for name in names.sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                var isDirectory: ObjCBool = false
                guard manager.fileExists(atPath: root + "/" + child, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    if name.hasPrefix(".") || name == "__pycache__" || name == "node_modules" || (!includeEverything && skippedFolders.contains(name)) { continue }
                    walk(child)
                } else if name.hasSuffix(".py") {
                    result.append(child)
                }
            }
        }
        walk("")
        return result
    }

    /// The classes named `name` defined in the repository, with their files.
    public static func classes(named name: String, root: String) -> [(path: String, source: PythonSource, definition: PythonDefinition)] {
        let needle = Array("class \(name)".utf8)
        var found: [(String, PythonSource, PythonDefinition)] = []
        for path in list(root: root) {
            guard let data = FileManager.default.contents(atPath: root + "/" + path), data.count < 8 << 20 else { continue }
            let bytes = [UInt8](data)
            guard contains(bytes, needle) else { continue }
            let source = PythonSource(bytes: bytes)
            for definition in source.allClasses where definition.name == name {
                found.append((path, source, definition))
            }
        }
        return found
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
