import ArgumentParser

/// A subcommand `Remedy.main` runs on the main thread. Called through
/// `AsyncParsableCommand`, `run()` would first move to a thread of the global pool (its
/// requirement is not isolated to its caller): Dispatch makes that thread, its event loop
/// and its manager thread, 0.4 ms of every command, while the main thread waits.
protocol InPlaceCommand: AsyncParsableCommand {
    /// Runs the command where it is called (this target's async functions run on their
    /// caller's executor: NonisolatedNonsendingByDefault).
    mutating func runHere() async throws
}

extension InPlaceCommand {
    /// For callers other than `Remedy.main`: the same work (on a thread of the pool).
    mutating func run() async throws { try await runHere() }
}
