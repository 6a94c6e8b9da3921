import Foundation

/// Keeps two Remedy runs on one repository apart: `.git/remedy/lock` holds the running
/// process's id; a lock left by a process that no longer exists is taken over.
public final class RunLock {
    public let path: String
    private var held = false

    public init(stateDirectory: String) throws {
        path = stateDirectory + "/lock"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        for _ in 0..<2 {
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 {
                let text = "\(getpid())\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                held = true
                return
            }
            let owner = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, owner != getpid(), kill(owner, 0) == 0 || errno == EPERM {
                throw RemedyError.badInput("another remedy run (process \(owner)) is working on this repository; wait for it, or remove \(path) if it is gone")
            }
            unlink(path)
        }
        throw RemedyError.failure("cannot take the lock \(path)")
    }

    public func release() {
        if held { unlink(path); held = false }
    }

    deinit { release() }
}
