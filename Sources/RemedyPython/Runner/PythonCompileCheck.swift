import Foundation
import RemedyCore

/// Compiles the files a fix touched with the project's interpreter (`compile()`, so no
/// bytecode is written) and reports the ones that no longer parse.
public struct PythonCompileCheck: SourceValidator {
    public var python: String

    public init(python: String) { self.python = python }

    public func problems(in paths: [String], root: String) async -> [String: String] {
        let files = paths.filter { $0.hasSuffix(".py") && FileManager.default.fileExists(atPath: root + "/" + $0) }
        guard !files.isEmpty else { return [:] }
        let script = """
            import json, sys
            out = {}
            for path in sys.argv[1:]:
                try:
                    with open(path, "rb") as f:
                        compile(f.read(), path, "exec")
                except SyntaxError as e:
                    out[path] = f"line {e.lineno}: {e.msg}"
                except Exception as e:
                    out[path] = f"{type(e).__name__}: {e}"
            print("REMEDY-COMPILE " + json.dumps(out))
            """
        let child = ChildProcess(executable: python, arguments: ["-c", script] + files, environment: ["PYTHONDONTWRITEBYTECODE": "1"],
                                 directory: root, timeout: .seconds(120), outputLimit: 4 << 20)
        guard let result = try? await child.run(),
              let line = result.output.split(separator: "\n").last(where: { $0.hasPrefix("REMEDY-COMPILE ") }),
              let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst("REMEDY-COMPILE ".count).utf8)) as? [String: String] else {
            return Dictionary(uniqueKeysWithValues: files.map { ($0, "could not be checked with \(python)") })
        }
        return object
    }
}
