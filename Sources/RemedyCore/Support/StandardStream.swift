import Glibc

/// Standard output or standard error, written with write(2): all of a text, across
/// partial writes and signals. Foundation's `FileHandle.write` traps when the reader has
/// gone (`remedy triage … | head`); here a reader that has gone only ends the writing —
/// the work itself (a fix run, its journal and lock) finishes as it would have.
public enum StandardStream: Sendable {
    case output, error

    private var descriptor: Int32 { self == .output ? STDOUT_FILENO : STDERR_FILENO }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written > 0 { offset += written; continue }
            // EPIPE (the reader has gone), EBADF (the stream was closed): nothing more to do.
            if written < 0 && errno == EINTR { continue }
            return
        }
    }
}
