import Foundation
import RemedyCore

/// Reads Python failures out of pytest's text: the `E   Type: message` lines, the
/// "Did you mean" hint, and the `path.py:N: …` traceback frames.
public enum PythonFailureText {
    /// Splits "Type: message" (Type may be dotted); nil when the text has no such prefix.
    public static func splitException(_ text: String) -> (type: String, message: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let type = text[..<colon]
        guard !type.isEmpty, type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }),
              type.first!.isLetter || type.first == "_" else { return nil }
        var message = text[text.index(after: colon)...]
        if message.first == " " { message = message.dropFirst() }
        return (String(type), String(message))
    }

    /// Takes a trailing "Did you mean: 'x'?" (or "Did you mean 'x'?") off a message.
    public static func splitHint(_ message: String) -> (message: String, hint: String?) {
        let markers: [StaticString] = [". Did you mean: '", ". Did you mean '", " Did you mean: '"]
        for marker in markers {
            if let range = lastRange(of: marker, in: Substring(message)) {
                let rest = message[range.upperBound...]
                if let quote = rest.firstIndex(of: "'"), rest[quote...].hasPrefix("'?") {
                    let after = rest[rest.index(quote, offsetBy: 2)...]
                    let head = String(message[..<range.lowerBound]) + after
                    return (head, String(rest[..<quote]))
                }
            }
        }
        return (message, nil)
    }

    /// The exception line(s) of a pytest traceback: the last run of `E ` lines.
    public static func exceptionLines(_ text: Substring) -> [Substring] {
        var blocks: [[Substring]] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.hasPrefix("E ") || trimmed == "E" {
                current.append(trimmed.dropFirst().drop { $0 == " " })
            } else if !current.isEmpty {
                blocks.append(current)
                current = []
            }
        }
        if !current.isEmpty { blocks.append(current) }
        // The first line of the last block that names an exception, and what follows it.
        guard let last = blocks.last else { return [] }
        if let start = last.firstIndex(where: { splitException(String($0)) != nil }) { return Array(last[start...]) }
        return last
    }

    /// `path.py:12: in function` and `path.py:12: ExceptionType` lines (pytest's styles),
    /// and `File "path.py", line 12, in function` lines (`--tb=native`). Read as bytes: a
    /// report asks this of every distinct failure's traceback.
    public static func frames(_ text: Substring) -> [Frame] {
        var text = text
        return text.withUTF8 { bytes in
            var native: [Frame] = [], pytest: [Frame] = []
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                if let frame = nativeFrame(line) { native.append(frame) } else if native.isEmpty, let frame = pytestFrame(line) { pytest.append(frame) }
            }
            return native.isEmpty ? pytest : native
        }
    }

    /// `  File "path.py", line 12, in function`.
    private static func nativeFrame(_ line: UnsafeBufferPointer<UInt8>) -> Frame? {
        guard let first = line.firstIndex(where: { $0 != 32 }), starts(line[first...], with: "File \""),
              let close = line[(first + 6)...].firstIndex(of: 34) else { return nil }
        let rest = line[close...].split(separator: 44).map { trimmingBlanks(UnsafeBufferPointer(rebasing: $0)) }
        guard rest.count >= 2, starts(rest[1][...], with: "line "), let number = integer(rest[1].dropFirst(5)) else { return nil }
        let function = rest.count > 2 && starts(rest[2][...], with: "in ") ? text(rest[2].dropFirst(3)) : nil
        return Frame(path: text(line[(first + 6)..<close]), line: number, function: function)
    }

    /// `path.py:12: in function` or `path.py:12: ExceptionType` (no function), not indented.
    private static func pytestFrame(_ line: UnsafeBufferPointer<UInt8>) -> Frame? {
        guard line.first != 32, !starts(line[...], with: "E "), let py = firstIndex(of: ".py:", in: line) else { return nil }
        let rest = line[(py + 4)...]
        guard let colon = rest.firstIndex(of: 58), let number = integer(rest[..<colon]) else { return nil }
        let after = trimmingBlanks(UnsafeBufferPointer(rebasing: line[(colon + 1)...]))
        let function = starts(after[...], with: "in ") && after.count > 3 ? text(after.dropFirst(3)) : nil
        return Frame(path: text(line[..<py]) + ".py", line: number, function: function)
    }

    private static func starts(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, with prefix: StaticString) -> Bool {
        bytes.count >= prefix.utf8CodeUnitCount && zip(bytes, UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)).allSatisfy { $0 == $1 }
    }

    private static func firstIndex(of needle: StaticString, in line: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = needle.utf8CodeUnitCount
        guard line.count >= count else { return nil }
        return (0...(line.count - count)).first { at in starts(line[at...], with: needle) }
    }

    /// The bytes without the blanks around them.
    private static func trimmingBlanks(_ bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return bytes[0..<0] }
        return bytes[first...last]
    }

    /// A space, a tab, or the carriage return of a CRLF line end.
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 13 }

    private static func integer(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int? { Int(text(bytes)) }

    private static func text(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes), as: UTF8.self) }

    /// The text without the blanks around it (the same rule as a traceback's bytes).
    static func trimmingBlanks(_ text: Substring) -> Substring {
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return text[first..<bytes.index(after: last)]
    }

    /// Where `needle` last occurs, compared byte for byte.
    static func lastRange(of needle: StaticString, in text: Substring) -> Range<Substring.Index>? {
        var found: Range<Substring.Index>? = nil
        var rest = text
        while let range = firstRange(of: needle, in: rest) {
            found = range
            rest = text[text.utf8.index(after: range.lowerBound)...]
        }
        return found
    }

    /// Where `needle` first occurs, compared byte for byte (no Foundation search: a report
    /// asks this of every distinct failure's traceback).
    static func firstRange(of needle: StaticString, in text: Substring) -> Range<Substring.Index>? {
        let bytes = text.utf8
        let first = needle.utf8Start.pointee
        var at = bytes.startIndex
        while let start = bytes[at...].firstIndex(of: first) {
            var i = start, k = 0
            while k < needle.utf8CodeUnitCount, i < bytes.endIndex, bytes[i] == needle.utf8Start[k] { bytes.formIndex(after: &i); k += 1 }
            if k == needle.utf8CodeUnitCount { return start..<i }
            at = bytes.index(after: start)
        }
        return nil
    }

    /// A failure from a traceback text, with a fallback "Type: message" line.
    public static func failure(text: Substring, fallback: String?, phase: Phase) -> Failure {
        let lines = exceptionLines(text)
        var type = "Error", message = fallback ?? ""
        if let first = lines.first, let split = splitException(String(first)) {
            type = split.type
            message = ([split.message] + lines.dropFirst().map(String.init)).joined(separator: "\n")
        } else if let last = text.split(separator: "\n").last(where: { !$0.hasPrefix(" ") && splitException(String($0)) != nil }),
                  lines.isEmpty, let split = splitException(String(last)) {
            // --tb=native: a Python traceback whose last line is "Type: message".
            type = split.type
            message = split.message
        } else if let fallback, let split = splitException(fallback) {
            type = split.type
            message = split.message
        } else if let first = lines.first {
            // pytest's rewritten asserts print `assert …` without a type.
            type = "AssertionError"
            message = lines.map(String.init).joined(separator: "\n")
            _ = first
        }
        let (bare, hint) = splitHint(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? message)
        let rest = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first.map { "\n" + $0 } ?? ""
        return Failure(exceptionType: type, message: bare + rest, hint: hint, frames: frames(text), phase: phase)
    }
}
