import Foundation
import RemedyCore

/// The progress line on a terminal: each step's message stays on one line with a spinner
/// and its running time while the step lasts (a test run can take minutes), and is
/// replaced by the plain line with its duration when the next step begins. Off when
/// standard error is not a terminal, in CI, or with TERM=dumb: then progress is plain
/// lines, one per step.
final class LiveLine: @unchecked Sendable {
    static let shared = LiveLine()

    let enabled: Bool
    private let lock = NSLock()
    private var current: String?
    private var started = ContinuousClock.now
    private var frame = 0
    private var timer: DispatchSourceTimer?

    private init() {
        // Two variables looked up, not the whole environment copied into a dictionary.
        enabled = isatty(STDERR_FILENO) != 0 && EnvironmentVariable.value("TERM") != "dumb" && EnvironmentVariable.value("CI") == nil
        if enabled { atexit { LiveLine.shared.finish() } }
    }

    /// Starts a step: ends the one before (printed with its duration) and shows this one.
    func begin(_ message: String) {
        lock.withLock {
            finishLocked()
            current = message
            started = .now
            drawLocked()
            if timer == nil {
                let source = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
                source.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
                source.setEventHandler { [weak self] in self?.tick() }
                source.resume()
                timer = source
            }
        }
    }

    /// Ends the current step, if any: its line is printed for good.
    func finish() { lock.withLock { finishLocked() } }

    private func tick() {
        lock.withLock {
            frame += 1
            drawLocked()
        }
    }

    private var elapsed: Double { (ContinuousClock.now - started).seconds }

    private func finishLocked() {
        guard let current else { return }
        let seconds = elapsed
        write("\r\u{1B}[K" + "remedy: " + current + (seconds >= 1 ? String(format: " (%.1f s)", seconds) : "") + "\n")
        self.current = nil
    }

    private func drawLocked() {
        guard let current else { return }
        let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"][frame % 10]
        let suffix = String(format: " %.0f s", elapsed)
        // One terminal line, never wrapped, or the carriage return cannot redraw it.
        let room = max(10, Self.columns() - 12 - suffix.count)
        let text = current.count > room ? String(current.prefix(room - 1)) + "…" : current
        write("\r\u{1B}[K" + "remedy: \(spinner) " + text + suffix)
    }

    private func write(_ text: String) { StandardStream.error.write(text) }

    private static func columns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
