import Dispatch
import Foundation
import RemedyCore
import RemedyGit

/// SIGINT and SIGTERM during a run: stop the test processes (their whole process groups),
/// remove Remedy's worktrees and temporary branches, release the lock, and exit — the
/// user's working tree and branches are never touched.
enum Interruption {
    private nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    private nonisolated(unsafe) static var repositoryPath: String?
    private nonisolated(unsafe) static var lockPath: String?
    private static let lock = NSLock()

    /// Installs the handlers once; `repository` and `lock` say what to clean.
    static func install(repository: String, lockFile: String) {
        lock.withLock {
            repositoryPath = repository
            lockPath = lockFile
            guard sources.isEmpty else { return }
            for (number, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { stop(exitCode: code) }
                source.resume()
                sources.append(source)
            }
            // A parent that started us from a thread may have left these blocked.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGINT)
            sigaddset(&set, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
    }

    private nonisolated(unsafe) static var stopping = false

    /// Once a signal arrived, the handler owns the exit: the run's own error (its test
    /// process was killed) must not end the process before the cleanup is done.
    static func waitIfInterrupted() {
        guard lock.withLock({ stopping }) else { return }
        while true { sleep(60) }
    }

    private static func stop(exitCode: Int32) {
        lock.withLock { stopping = true }
        StandardStream.error.write("remedy: interrupted: stopping the tests and removing Remedy's worktrees\n")
        ChildProcess.killAll()
        let (repository, lockFile) = lock.withLock { (repositoryPath, lockPath) }
        let finish: () -> Never = {
            if let lockFile { unlink(lockFile) }
            exit(exitCode)
        }
        if let repository, let handle = try? Repository(path: repository) {
            handle.removeCandidatesThenFinish(finish)
        }
        finish()
    }
}
