/// What a language pack does to see behind skips: tests skipped because a guarded import
/// failed (`try: import x` / `except ImportError: AVAILABLE = False` / `skipif`) get the
/// import failure they hide as their failure, so matching and fixing treat them like any
/// other failure. The skip's own reason is kept on the test.
public protocol SkipProbe: Sendable {
    /// The run with hidden causes revealed, run against the tree at `root`; problems
    /// (a probe that hangs or crashes) become diagnostics and the rest goes on.
    func reveal(_ run: TestRun, root: String) async -> TestRun
}
