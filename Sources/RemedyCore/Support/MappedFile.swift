import Dispatch
import Glibc

/// A file mapped read-only into memory, for streaming a large report: read ahead as the
/// scan moves on, and pages already read can be given back (`release`). Unmapped when
/// freed. (Reading a small file in whole when mapping it, MAP_POPULATE, was measured:
/// slower, since it happens before the two cores start and the kernel maps file pages
/// sixteen at a time anyway.)
public final class MappedFile: @unchecked Sendable {
    public let count: Int
    private let base: UnsafeMutableRawPointer?

    /// Maps `path`; nil when it cannot be opened or is not a regular file.
    public init?(path: String) {
        guard let (descriptor, size) = FileBytes.openRegular(path) else { return nil }
        defer { close(descriptor) }
        count = size
        guard count > 0 else { base = nil; return }
        guard let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else { return nil }
        base = mapped
        madvise(mapped, count, MADV_SEQUENTIAL)
    }

    deinit { if let base { munmap(base, count) } }

    /// The bytes, for the duration of `body`.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: base == nil ? 0 : count))
    }

    /// Gives back all its pages on another core, when it will not be read again: unmapping
    /// them is otherwise part of ending the process (0.7 ms for 18 MB), after the output.
    /// (Read again, the pages come back from the file.)
    public func releaseInBackground() {
        TwoCores.inBackground { self.release(0..<self.count) }
    }

    /// Gives back the whole pages inside `range`: they will not be read again.
    public func release(_ range: Range<Int>) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page, end = min(count, range.upperBound) / page * page
        guard end > start else { return }
        madvise(base + start, end - start, MADV_DONTNEED)
    }
}
