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

    /// The CPUs of "Cpus_allowed_list:" in a /proc status ("0-3,6" is 5), or nil. Read as
    /// bytes: splitting the status's Characters into lines cost more than the rest of it.
    static func allowedCount(status: String) -> Int? {
        var status = status
        return status.withUTF8 { bytes -> Int? in
            let key = Array("Cpus_allowed_list:".utf8)
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                if end - start >= key.count, bytes[start..<(start + key.count)].elementsEqual(key) {
                    return count(list: bytes[(start + key.count)..<end])
                }
                start = end + 1
            }
            return nil
        }
    }

    /// The CPUs a list such as "0-3,6" names, or nil when it is not one. A plain loop: a
    /// split into slices would have the runtime look up the slices' types and conformances
    /// the first time (more than all of this).
    private static func count(list: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var count = 0
        // The range being read: its numbers so far, and the one being read (nil: none yet).
        var bounds: [Int] = [], number: Int? = nil, blankAfter = false
        func endNumber() {
            guard let value = number else { return }
            bounds.append(value); number = nil; blankAfter = false
        }
        func endRange() -> Bool {
            endNumber()
            defer { bounds = [] }
            switch bounds.count {
            case 0: return true // an empty range (",,"), as a split leaves it out
            case 1: count += 1; return true
            case 2: guard bounds[1] >= bounds[0] else { return false }; count += bounds[1] - bounds[0] + 1; return true
            default: return false
            }
        }
        for byte in list {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !blankAfter, (number ?? 0) < Int.max / 10 - 9 else { return nil }
                number = (number ?? 0) * 10 + Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                if number != nil { blankAfter = true }
            case UInt8(ascii: "-"):
                guard number != nil else { return nil }
                endNumber()
            case UInt8(ascii: ","):
                guard endRange() else { return nil }
            default:
                return nil
            }
        }
        guard endRange() else { return nil }
        return count > 0 ? count : nil
    }
}
