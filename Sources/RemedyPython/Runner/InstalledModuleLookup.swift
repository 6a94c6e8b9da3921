import Foundation
import RemedyCore

/// Asks the project's interpreter where names live now, for modules outside the
/// repository (the standard library, installed packages): the old module's importable
/// ancestors and their submodules, nearest first, each imported and asked for every name.
/// Run isolated (`-I`: no current folder, no PYTHONPATH), with a time limit.
public struct InstalledModuleLookup: Sendable {
    public var python: String
    public var timeout: Duration

    public init(python: String, timeout: Duration = .seconds(20)) {
        self.python = python
        self.timeout = timeout
    }

    static let script = """
        import importlib, json, pkgutil, sys, warnings
        warnings.simplefilter("ignore")
        old, names = sys.argv[1], [n for n in sys.argv[2].split(",") if n]
        parts = old.split(".")
        seen, found = set(), []
        def consider(name):
            if name == old or name in seen:
                return
            seen.add(name)
            try:
                module = importlib.import_module(name)
            except BaseException:
                return
            if names and all(hasattr(module, n) for n in names):
                found.append(name)
        for k in range(len(parts), 0, -1):
            base = ".".join(parts[:k])
            try:
                package = importlib.import_module(base)
            except BaseException:
                continue
            consider(base)
            for info in pkgutil.iter_modules(getattr(package, "__path__", None) or []):
                if not info.name.startswith("_"):
                    consider(base + "." + info.name)
            if found:
                break
        print(json.dumps(found))
        """

    /// The modules outside the repository that define every one of `names`, nearest to
    /// `old` first; empty when there is none or the interpreter cannot tell.
    public func modules(defining names: [String], formerly old: String) async -> [String] {
        guard !names.isEmpty else { return [] }
        return await strings(from: Self.script, [old, names.joined(separator: ",")], outputLimit: 1 << 20)
    }

    /// The public names of an installed or standard-library module; empty when it cannot
    /// be imported.
    public func names(in module: String) async -> [String] {
        let script = "import importlib, json, sys, warnings\nwarnings.simplefilter('ignore')\nprint(json.dumps(sorted(dir(importlib.import_module(sys.argv[1])))))\n"
        return await strings(from: script, [module], outputLimit: 4 << 20)
    }

    /// Runs a script with the interpreter, isolated and with the time limit, and reads the
    /// JSON list of strings on its last line; empty when it fails or prints something else.
    private func strings(from script: String, _ arguments: [String], outputLimit: Int) async -> [String] {
        var process = ChildProcess(executable: python, arguments: ["-I", "-c", script] + arguments,
                                   directory: FileManager.default.temporaryDirectory.path, timeout: timeout, outputLimit: outputLimit)
        process.separateErrors = true
        guard let result = try? await process.run(), result.status == 0, !result.timedOut,
              let line = result.output.split(separator: "\n").last,
              let strings = try? JSONDecoder().decode([String].self, from: Data(line.utf8)) else { return [] }
        return strings
    }
}
