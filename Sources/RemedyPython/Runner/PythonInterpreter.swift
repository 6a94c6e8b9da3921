import Foundation

/// Chooses the Python a project's tests run with (ARCHITECTURE.md's order): the flag,
/// then `.remedy.yml` (given by the caller), then `$VIRTUAL_ENV`, then the repository's
/// `.venv`, then `python3` on PATH.
public enum PythonInterpreter {
    public static func resolve(flag: String?, configured: String? = nil, repository: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let configured, !configured.isEmpty { return configured }
        if let venv = environment["VIRTUAL_ENV"], FileManager.default.isExecutableFile(atPath: venv + "/bin/python") { return venv + "/bin/python" }
        let local = repository + "/.venv/bin/python"
        if FileManager.default.isExecutableFile(atPath: local) { return local }
        return "python3"
    }
}
