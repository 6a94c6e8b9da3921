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
        /// Standard output, with standard error merged in unless `separateErrors`.
        public var output: String
        /// Standard error, when kept apart.
        public var errors: String = ""
        public var timedOut: Bool
        public var seconds: Double
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var directory: String
    public var timeout: Duration
    public var outputLimit: Int
    /// Bytes for standard input (empty: the child reads end of file at once).
    public var input: [UInt8] = []
    /// Keep standard error apart from standard output (a plugin's JSON answer).
    public var separateErrors = false

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
                let separate = separateErrors
                // Standard input comes from a file, never a pipe: a child that exits without
                // reading must not make the write fail (swift-subprocess 1.0.2 traps on that).
                var inputFile: Int32 = -1
                if !input.isEmpty {
                    let path = FileManager.default.temporaryDirectory.appendingPathComponent("remedy-input-\(UUID().uuidString)").path
                    try Data(input).write(to: URL(fileURLWithPath: path))
                    inputFile = open(path, O_RDONLY)
                    unlink(path)
                    guard inputFile >= 0 else { throw RemedyError.failure("cannot open the input for \(self.executable)") }
                }
                let stdinFile = inputFile
                tasks.addTask {
                    if stdinFile >= 0 {
                        return try await Self.launch(configuration, input: .fileDescriptor(.init(rawValue: stdinFile), closeAfterSpawningProcess: true),
                                                     separate: separate, limit: limit, group: group, started: started)
                    }
                    return try await Self.launch(configuration, input: .none, separate: separate, limit: limit, group: group, started: started)
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

    private static func launch<Input: InputProtocol>(_ configuration: Configuration, input: Input, separate: Bool, limit: Int,
                                                      group: ProcessGroupBox, started: ContinuousClock.Instant) async throws -> Result {
        func code(_ status: TerminationStatus) -> Int32 {
            switch status {
            case let .exited(code): return Int32(code)
            case let .signaled(signal): return 128 + Int32(signal)
            }
        }
        if separate {
            let result = try await Subprocess.run(configuration, input: input, output: .bytes(limit: limit), error: .bytes(limit: limit)) { execution in
                group.set(execution.processIdentifier.value)
            }
            return Result(status: code(result.terminationStatus), output: String(decoding: result.standardOutput, as: UTF8.self),
                          errors: String(decoding: result.standardError, as: UTF8.self),
                          timedOut: group.killed, seconds: (ContinuousClock.now - started).seconds)
        }
        let result = try await Subprocess.run(configuration, input: input, output: .bytes(limit: limit), error: .combinedWithOutput) { execution in
            group.set(execution.processIdentifier.value)
        }
        return Result(status: code(result.terminationStatus), output: String(decoding: result.standardOutput, as: UTF8.self),
                      timedOut: group.killed, seconds: (ContinuousClock.now - started).seconds)
    }

    /// Kills every process group still registered (on SIGINT/SIGTERM); from then on a child
    /// that starts is killed at once, so a run that goes on while the handler cleans up
    /// cannot leave a test process behind.
    public static func killAll() { ProcessGroupBox.killAll() }

    /// True once `killAll` was called: the run is being interrupted.
    public static var isStopping: Bool { ProcessGroupBox.isStopping }
}

extension Duration {
    /// The duration in seconds, as a Double (for reports and timings).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
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
        let stopping = Self.liveLock.withLock {
            Self.live.insert(value)
            return Self.stopping
        }
        if stopping { kill() }
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

    private nonisolated(unsafe) static var stopping = false

    static var isStopping: Bool { liveLock.withLock { stopping } }

    static func killAll() {
        liveLock.withLock {
            stopping = true
            for pid in live { _ = Glibc.kill(-pid, SIGKILL) }
        }
    }
}
