import Foundation
import Subprocess
#if canImport(Glibc)
import Glibc
#endif

/// Runs a child process (a test run, a probe) without a shell: arguments are passed as
/// they are, the child starts in its own process group with a clean signal mask, and a
/// time limit kills the whole group (pytest's own children included).
public struct ChildProcess: Sendable {
    /// What a finished child left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
        public var timedOut: Bool
        public var seconds: Double
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var directory: String
    public var timeout: Duration
    public var outputLimit: Int

    public init(executable: String, arguments: [String], environment: [String: String] = [:], directory: String, timeout: Duration = .seconds(600), outputLimit: Int = 64 << 20) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    /// Runs the child to its end or its time limit. Throws when it cannot be started.
    public func run() async throws -> Result {
        let started = ContinuousClock.now
        var options = PlatformOptions()
        options.processGroupID = 0
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let executable: Executable = self.executable.contains("/") ? .path(.init(self.executable)) : .name(self.executable)
        let group = ProcessGroupBox()
        let limit = outputLimit
        let configuration = Configuration(executable: executable, arguments: Arguments(arguments),
                                          environment: Environment.inherit.updating(updates),
                                          workingDirectory: .init(directory), platformOptions: options)
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: Result?.self) { tasks in
                tasks.addTask {
                    let result = try await Subprocess.run(configuration, input: .none, output: .bytes(limit: limit), error: .combinedWithOutput) { execution in
                        group.set(execution.processIdentifier.value)
                    }
                    let status: Int32
                    switch result.terminationStatus {
                    case let .exited(code): status = Int32(code)
                    case let .signaled(signal): status = 128 + Int32(signal)
                    }
                    return Result(status: status, output: String(decoding: result.standardOutput, as: UTF8.self),
                                  timedOut: group.killed, seconds: (ContinuousClock.now - started).seconds)
                }
                tasks.addTask {
                    try? await Task.sleep(for: timeout)
                    if !Task.isCancelled { group.kill() }
                    return nil
                }
                while let next = try await tasks.next() {
                    if let result = next {
                        tasks.cancelAll()
                        return result
                    }
                }
                throw RemedyError.failure("\(self.executable): ended without a result")
            }
        } catch let error as SubprocessError {
            throw RemedyError.badInput("cannot run '\(self.executable)': \(error)")
        }
    }

    /// Kills every process group still registered (on SIGINT/SIGTERM).
    public static func killAll() { ProcessGroupBox.killAll() }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The running child's process id, shared between the run and its timer.
final class ProcessGroupBox: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t = 0
    private var wasKilled = false
    private nonisolated(unsafe) static var live: Set<pid_t> = []
    private static let liveLock = NSLock()

    func set(_ value: pid_t) {
        lock.withLock { pid = value }
        Self.liveLock.withLock { _ = Self.live.insert(value) }
    }

    var killed: Bool { lock.withLock { wasKilled } }

    func kill() {
        lock.withLock {
            guard pid > 0 else { return }
            wasKilled = true
            _ = Glibc.kill(-pid, SIGKILL)
        }
    }

    deinit {
        let pid = self.pid
        Self.liveLock.withLock { _ = Self.live.remove(pid) }
    }

    static func killAll() {
        liveLock.withLock {
            for pid in live { _ = Glibc.kill(-pid, SIGKILL) }
        }
    }
}
