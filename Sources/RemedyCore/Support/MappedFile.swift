import Glibc

/// A file mapped read-only into memory, for streaming a large report: a small one is read
/// in ahead in one go (no page fault per page), a large one is read ahead as the scan
/// moves on, and pages already read can be given back (`release`). Unmapped when freed.
public final class MappedFile: @unchecked Sendable {
    public let count: Int
    private let base: UnsafeMutableRawPointer?

    /// Reports up to this size are read in whole when mapped.
    static let populateLimit = 64 << 20

    /// Maps `path`; nil when it cannot be opened or is not a regular file.
    public init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        count = Int(status.st_size)
        guard count > 0 else { base = nil; return }
        let flags = MAP_PRIVATE | (count <= Self.populateLimit ? MAP_POPULATE : 0)
        guard let mapped = mmap(nil, count, PROT_READ, flags, descriptor, 0), mapped != MAP_FAILED else { return nil }
        base = mapped
        madvise(mapped, count, MADV_SEQUENTIAL)
    }

    deinit { if let base { munmap(base, count) } }

    /// The bytes, for the duration of `body`.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: base == nil ? 0 : count))
    }

    /// Gives back the whole pages inside `range` of a large file: they will not be read
    /// again. (A small file stays mapped whole.)
    public func release(_ range: Range<Int>) {
        guard let base, count > Self.populateLimit else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page, end = min(count, range.upperBound) / page * page
        guard end > start else { return }
        madvise(base + start, end - start, MADV_DONTNEED)
    }
}
