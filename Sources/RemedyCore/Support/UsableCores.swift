import Foundation

/// How many cores this process may run on: on Linux the CPUs of its affinity mask (as
/// `taskset` or a container's cpuset leaves it), else the active processors. Work is split
/// between two cores only when there are two to run it: a second reader of a report on a
/// process held to one core only waits for a share of the core it would split.
public enum UsableCores {
    /// Worked out once, when first asked.
    public static let count = current()

    /// Worked out now: the active processors, fewer when the affinity mask allows fewer.
    public static func current() -> Int {
        let active = max(1, ProcessInfo.processInfo.activeProcessorCount)
        // Read with plain system calls and parsed without Foundation's character sets: every
        // triage asks, and Foundation's first use of either cost a small triage 7%.
        guard let status = FileBytes.read("/proc/self/status", limit: 1 << 20),
              let allowed = allowedCount(status: String(decoding: status, as: UTF8.self)) else { return active }
        return min(allowed, active)
    }

    /// The CPUs of "Cpus_allowed_list:" in a /proc status ("0-3,6" is 5), or nil.
    static func allowedCount(status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return nil }
        var count = 0
        for range in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = range.split(separator: "-").map { Int(trimmed($0)) }
            switch bounds.count {
            case 1: guard bounds[0] != nil else { return nil }; count += 1
            case 2: guard let low = bounds[0], let high = bounds[1], high >= low else { return nil }; count += high - low + 1
            default: return nil
            }
        }
        return count > 0 ? count : nil
    }

    /// `text` without the blanks (spaces, tabs; not line ends) at either end.
    private static func trimmed(_ text: Substring) -> Substring {
        let blank = { (character: Character) in character.isWhitespace && !character.isNewline }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return text[first...last]
    }
}
