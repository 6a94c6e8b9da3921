import Glibc

/// Reads a whole small file with plain system calls: for scans that visit thousands of
/// files, where a missing one must cost no more than a failed `open`.
public enum FileBytes {
    /// The file's bytes; nil when it is missing, not a regular file, or larger than `limit`.
    /// A file that gives no size (/proc's) is read to its end.
    public static func read(_ path: String, limit: Int) -> [UInt8]? {
        guard let (descriptor, size) = openRegular(path) else { return nil }
        defer { close(descriptor) }
        if size == 0 { return readToEnd(descriptor, limit: limit) }
        guard size <= limit else { return nil }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, filled in
            filled = 0
            while filled < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + filled, size - filled)
                if got < 0, errno == EINTR { continue }
                if got <= 0 { failed = got < 0; break }
                filled += got
            }
        }
        return failed ? nil : bytes
    }

    /// What is left to read of `descriptor`, a page at a time; nil past `limit` or on an error.
    private static func readToEnd(_ descriptor: Int32, limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var page = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = page.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0, errno == EINTR { continue }
            if got < 0 || bytes.count + got > limit { return nil }
            if got == 0 { return bytes }
            bytes += page[..<got]
        }
    }

    /// A regular file opened for reading, and its size; nil when it cannot be opened or is
    /// not a regular file. The caller closes the descriptor.
    static func openRegular(_ path: String) -> (descriptor: Int32, size: Int)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        return (descriptor, Int(status.st_size))
    }
}
