import CPCRE2
import Foundation

/// A PCRE2 regular expression compiled once and matched with a match limit and a depth
/// limit, so a catastrophic pattern ends in an error instead of a hang. Named groups
/// `(?<name>…)` become the match's captures. Its first `jitThreshold` matches run on
/// PCRE2's interpreter; then a JIT-compiled copy takes over.
///
/// Sendable: PCRE2 documents compiled code (JIT included) as safe to share between
/// threads for matching; each match makes its own match data, and the match context is
/// never changed after `init`. The JIT compiles a copy, never code in use, under a lock.
public final class PCRERegex: @unchecked Sendable {
    /// Why a pattern could not be compiled or a match could not finish.
    public struct RegexError: Error, CustomStringConvertible, Sendable {
        public var message: String
        /// Byte offset in the pattern, for compile errors.
        public var offset: Int?
        public var description: String { message }
    }

    /// A successful match: the whole matched text and the named captures that took part.
    public struct Match: Sendable {
        public var range: Range<Int>
        public var captures: [String: String]
    }

    /// The most of a message a rule's regex is run on (bytes): messages are capped, so a
    /// megabyte-long message costs no more than a normal one.
    public static let subjectLimit = 4096

    public let pattern: String
    /// Names of the pattern's named groups, in group-number order.
    public let groupNames: [String]
    /// Matches on the interpreter before the JIT compiles a copy: a regex used a few times
    /// (a triage's few dozen causes) is not worth the JIT's executable mappings, which also
    /// make other threads' page faults wait; one matched thousands of times is.
    public static let jitThreshold = 64

    private let code: OpaquePointer
    private let context: OpaquePointer
    private let lock = NSLock()
    private var uses = 0
    /// The JIT-compiled copy, once made (nil also when JIT is not available).
    private var jitCode: OpaquePointer?
    private let groupNumbers: [(name: String, number: Int)]

    /// Default limits: generous for real messages, small enough that a runaway pattern
    /// stops in milliseconds.
    public init(_ pattern: String, caseless: Bool = false, matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000) throws {
        self.pattern = pattern
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        var options = UInt32(PCRE2_UTF) | UInt32(PCRE2_MATCH_INVALID_UTF)
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        let compiled = pattern.withCString { cPattern in
            cPattern.withMemoryRebound(to: UInt8.self, capacity: pattern.utf8.count + 1) { bytes in
                pcre2_compile_8(bytes, pattern.utf8.count, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw RegexError(message: PCRERegex.errorMessage(errorCode), offset: errorOffset)
        }
        code = compiled
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, depthLimit)

        var count: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafeMutablePointer<UInt8>? = nil
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_NAMETABLE), &table)
        var numbers: [(String, Int)] = []
        if let table, count > 0 {
            for i in 0..<Int(count) {
                let entry = table + i * Int(entrySize)
                let number = Int(entry[0]) << 8 | Int(entry[1])
                let name = String(cString: entry + 2)
                numbers.append((name, number))
            }
        }
        numbers.sort { $0.1 < $1.1 }
        groupNumbers = numbers.map { (name: $0.0, number: $0.1) }
        groupNames = numbers.map(\.0)
    }

    deinit {
        pcre2_match_context_free_8(context)
        pcre2_code_free_8(code)
        if let jitCode { pcre2_code_free_8(jitCode) }
    }

    /// The code the next match runs: the interpreted original, or the JIT-compiled copy
    /// once the regex has been used `jitThreshold` times.
    private func codeForMatch() -> OpaquePointer {
        lock.lock()
        defer { lock.unlock() }
        if let jitCode { return jitCode }
        uses += 1
        if uses == Self.jitThreshold, let copy = pcre2_code_copy_8(code) {
            if pcre2_jit_compile_8(copy, UInt32(PCRE2_JIT_COMPLETE)) == 0 {
                jitCode = copy
                return copy
            }
            pcre2_code_free_8(copy)
        }
        return code
    }

    /// The first match in `subject`, or nil. Throws when a limit is hit.
    public func firstMatch(in subject: String) throws -> Match? {
        var subject = subject
        return try subject.withUTF8 { buffer in try firstMatch(in: buffer) }
    }

    /// Whether `subject` contains a match. Throws when a limit is hit.
    public func matches(_ subject: String) throws -> Bool { try firstMatch(in: subject) != nil }

    public func firstMatch(in buffer: UnsafeBufferPointer<UInt8>) throws -> Match? {
        let code = codeForMatch()
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else {
            throw RegexError(message: "out of memory creating match data")
        }
        defer { pcre2_match_data_free_8(data) }
        let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let rc = pcre2_match_8(code, base, buffer.count, 0, 0, data, context)
        if rc == PCRE2_ERROR_NOMATCH { return nil }
        if rc < 0 { throw RegexError(message: PCRERegex.errorMessage(rc)) }
        let ovector = pcre2_get_ovector_pointer_8(data)!
        let pairs = Int(pcre2_get_ovector_count_8(data))
        func text(_ group: Int) -> String? {
            guard group < pairs else { return nil }
            let start = ovector[2 * group], end = ovector[2 * group + 1]
            // PCRE2_UNSET is ~(size_t)0, which reads as -1 through Swift's Int.
            if start < 0 || end < start { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(end)]), as: UTF8.self)
        }
        var captures: [String: String] = [:]
        for (name, number) in groupNumbers {
            if let value = text(number), captures[name] == nil { captures[name] = value }
        }
        return Match(range: Int(ovector[0])..<Int(ovector[1]), captures: captures)
    }

    static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        if n < 0 { return "PCRE2 error \(code)" }
        let message = String(decoding: buffer[0..<Int(n)], as: UTF8.self)
        switch code {
        case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT:
            return "\(message) (the pattern backtracks too much: make it more specific)"
        default:
            return message
        }
    }
}
