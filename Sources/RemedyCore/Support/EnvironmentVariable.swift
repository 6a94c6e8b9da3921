import Glibc

/// One environment variable, read with getenv(3): `ProcessInfo.environment` builds a
/// dictionary of the whole environment on every use, which loading a playbook did once
/// per rule.
public enum EnvironmentVariable {
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
