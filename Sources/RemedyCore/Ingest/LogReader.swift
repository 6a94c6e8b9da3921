import Foundation

/// Reads test logs of any supported format, detected from their content: JUnit XML, or a
/// language pack's terminal output. `-` reads standard input. Several logs merge into one run.
public struct LogReader: Sendable {
    public var dialect: any ResultsDialect

    public init(dialect: any ResultsDialect) { self.dialect = dialect }

    /// The format a log's content is in.
    public enum Format: String, Sendable { case junit, terminal }

    public func read(paths: [String]) throws -> TestRun {
        if paths.count == 1 { return try read(path: paths[0]) }
        var run = TestRun()
        for path in paths {
            run.merge(try read(path: path))
        }
        return run
    }

    public func read(path: String) throws -> TestRun {
        let bytes: [UInt8]
        if path == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw RemedyError.badInput("\(path): no such log file (give a pytest output or JUnit XML file, or - for standard input)")
            }
            guard !isDirectory.boolValue else {
                throw RemedyError.badInput("\(path): is a folder, not a log file")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RemedyError.badInput("\(path): cannot be read (check its permissions)")
            }
            bytes = Array(data)
        }
        return try read(bytes: bytes, source: path == "-" ? "<stdin>" : path)
    }

    public func read(bytes: [UInt8], source: String) throws -> TestRun {
        switch try detect(bytes: bytes, source: source) {
        case .junit:
            return try JUnitReader(dialect: dialect).read(bytes: bytes, source: source)
        case .terminal:
            let text = String(decoding: bytes, as: UTF8.self)
            var run = try dialect.parseTerminalOutput(text, source: source)
            if String(validating: bytes, as: UTF8.self) == nil {
                run.diagnostics.append("\(source): invalid UTF-8 was replaced by U+FFFD")
            }
            return run
        }
    }

    public func detect(bytes: [UInt8], source: String) throws -> Format {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, XMLScanner.isSpace(bytes[start]) { start += 1 }
        guard start < bytes.count else {
            throw RemedyError.badInput("\(source): the log is empty (run the tests with -rA, or pass --junitxml's file)")
        }
        if let nul = bytes.prefix(65536).firstIndex(of: 0) {
            throw RemedyError.badInput("\(source): binary data at byte \(nul), not a test log")
        }
        if bytes[start] == 60 { return .junit }
        let head = String(decoding: bytes.prefix(1 << 20), as: UTF8.self)
        if dialect.recognizesTerminalOutput(head) { return .terminal }
        if let why = dialect.runnerStopped(head) { throw RemedyError.badInput("\(source): \(why)") }
        throw RemedyError.badInput("\(source): unknown log format (expected pytest's terminal output or a JUnit XML report)")
    }
}
