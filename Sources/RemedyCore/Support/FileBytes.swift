import Glibc

/// Reads a whole small file with plain system calls: for scans that visit thousands of
/// files, where a missing one must cost no more than a failed `open`.
public enum FileBytes {
    /// The file's bytes; nil when it is missing, not a regular file, or larger than `limit`.
    public static func read(_ path: String, limit: Int) -> [UInt8]? {
        guard let (descriptor, size) = openRegular(path) else { return nil }
        defer { close(descriptor) }
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
