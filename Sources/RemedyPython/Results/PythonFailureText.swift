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
    /// and `File "path.py", line 12, in function` lines (`--tb=native`).
    public static func frames(_ text: Substring) -> [Frame] {
        var frames: [Frame] = []
        if Self.firstRange(of: "File \"", in: text) != nil {
            for line in text.split(separator: "\n") {
                let trimmed = line.drop { $0 == " " }
                guard trimmed.hasPrefix("File \""), let close = trimmed.dropFirst(6).firstIndex(of: "\"") else { continue }
                let path = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 6)..<close]
                let rest = trimmed[close...].split(separator: ",").map { String(trimmingBlanks($0)) }
                guard rest.count >= 2, rest[1].hasPrefix("line "), let number = Int(rest[1].dropFirst(5)) else { continue }
                let function = rest.count > 2 && rest[2].hasPrefix("in ") ? String(rest[2].dropFirst(3)) : nil
                frames.append(Frame(path: String(path), line: number, function: function))
            }
            if !frames.isEmpty { return frames }
        }
        guard Self.firstRange(of: ".py:", in: text) != nil else { return frames }
        for line in text.split(separator: "\n") {
            guard let py = Self.firstRange(of: ".py:", in: line), !line.hasPrefix(" "), !line.hasPrefix("E ") else { continue }
            let path = line[..<py.lowerBound] + ".py"
            let rest = line[py.upperBound...]
            guard let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]) else { continue }
            var function = String(trimmingBlanks(rest[rest.index(after: colon)...]))
            if function.hasPrefix("in ") { function = String(function.dropFirst(3)) } else { function = "" }
            frames.append(Frame(path: String(path), line: number, function: function.isEmpty ? nil : function))
        }
        return frames
    }

    /// The text without the spaces and tabs around it (no Foundation character set: a
    /// report asks this of every distinct failure's traceback).
    static func trimmingBlanks(_ text: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return text[first...last]
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
