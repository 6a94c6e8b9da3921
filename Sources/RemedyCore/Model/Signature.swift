import Foundation

/// A failure's stable identity: the same root cause gives the same signature in every run,
/// test and file, and its hash names the fix branch (`remedy/<rule>/<hash8>`).
///
/// Version 1 (frozen: branches are named by it):
/// - `kind` is the exception type (`Skipped` for skips);
/// - when the language pack knows the message's template, `template` is that template and
///   `parameters` its key values, taken verbatim (they identify the cause);
/// - otherwise `template` is the message's first line, masked by `SignatureMasking.v1`
///   and `parameters` is empty;
/// - the hint ("Did you mean …") is never part of it;
/// - `hash` is SHA-256 of `remedy-signature/v1`, kind, template and the sorted
///   `key=value` parameters, one per line.
public struct Signature: Codable, Sendable, Hashable {
    public var version: Int
    public var kind: String
    public var template: String
    public var parameters: [String: String]
    public var hash: String

    public init(version: Int = 1, kind: String, template: String, parameters: [String: String]) {
        self.version = version
        self.kind = kind
        self.template = template
        self.parameters = parameters
        var text = "remedy-signature/v\(version)\n\(kind)\n\(template)\n"
        for key in parameters.keys.sorted() { text += "\(key)=\(parameters[key]!)\n" }
        hash = SHA256.hex(text)
    }

    /// The first eight hex digits, as used in branch names.
    public var hash8: String { String(hash.prefix(8)) }

    /// The template with its parameters filled in, for people.
    public var rendered: String {
        var text = template
        for (key, value) in parameters { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }
}

/// What a language pack knows about its messages: the templates that turn a message into
/// a template and key parameters (e.g. Python's `'{class}' object has no attribute '{name}'`).
public protocol MessageTemplates: Sendable {
    /// The template and parameters for a message's first line, or nil when none fits.
    func template(exceptionType: String, message: String) -> (template: String, parameters: [String: String])?
}

/// One template a language pack declares: a PCRE2 pattern with named groups for the
/// message, and the template text with `{group}` placeholders.
public struct MessageTemplate: Sendable {
    public var exceptionTypes: Set<String>
    public var pattern: PCRERegex
    public var template: String

    public init(exceptionTypes: Set<String>, pattern: String, template: String) throws {
        self.exceptionTypes = exceptionTypes
        self.pattern = try PCRERegex(pattern)
        self.template = template
    }
}

/// A list of `MessageTemplate`s tried in order: the first that matches wins.
public struct TemplateList: MessageTemplates {
    public var templates: [MessageTemplate]

    public init(_ templates: [MessageTemplate]) { self.templates = templates }

    public func template(exceptionType: String, message: String) -> (template: String, parameters: [String: String])? {
        for candidate in templates where candidate.exceptionTypes.contains(exceptionType) {
            if let match = try? candidate.pattern.firstMatch(in: message) {
                return (candidate.template, match.captures)
            }
        }
        return nil
    }
}

/// The masks of signature v1, applied to messages no template explains: what varies from
/// run to run (addresses, ids, paths, line numbers, numbers inside quoted literals) becomes
/// a placeholder. Frozen with the version.
public enum SignatureMasking {
    public static func v1(_ line: String) -> String {
        var out = ""
        out.reserveCapacity(line.utf8.count)
        let bytes = Array(line.utf8)
        var i = 0
        var quote: UInt8? = nil
        func isHex(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70) }
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        func isPathByte(_ b: UInt8) -> Bool {
            !(b == 32 || b == 9 || b == 39 || b == 34 || b == 41 || b == 40 || b == 44 || b == 58 || b == 62 || b == 93)
        }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        while i < bytes.count {
            let b = bytes[i]
            let previous: UInt8 = i > 0 ? bytes[i - 1] : 32
            let atWordStart = !(isHex(previous) || previous == 95 || (previous >= 71 && previous <= 90) || (previous >= 103 && previous <= 122))
            // 0x… addresses and ids
            if b == 48, i + 2 < bytes.count, bytes[i + 1] == 120, isHex(bytes[i + 2]), atWordStart {
                var j = i + 2
                while j < bytes.count, isHex(bytes[j]) { j += 1 }
                result += Array("0x?".utf8)
                i = j
                continue
            }
            // absolute paths (a slash at a word start followed by a path)
            if b == 47, atWordStart, previous != 47, i + 1 < bytes.count, isPathByte(bytes[i + 1]), bytes[i + 1] != 47 || i + 2 < bytes.count {
                var j = i + 1
                while j < bytes.count, isPathByte(bytes[j]) { j += 1 }
                if bytes[i + 1..<j].contains(47) || j - i > 1 {
                    result += Array("<path>".utf8)
                    i = j
                    continue
                }
            }
            // line numbers: "line 12" and ":12" after a file name
            if isDigit(b), quote == nil {
                var j = i
                while j < bytes.count, isDigit(bytes[j]) { j += 1 }
                let before = String(decoding: result.suffix(5), as: UTF8.self)
                if before == "line " || (previous == 58 && result.count > 1 && isPathByte(result[result.count - 2])) {
                    result += Array("?".utf8)
                    i = j
                    continue
                }
            }
            // numbers inside quoted literals
            if quote != nil, isDigit(b), atWordStart || !isDigit(previous) {
                var j = i
                while j < bytes.count, isDigit(bytes[j]) { j += 1 }
                result += Array("<n>".utf8)
                i = j
                continue
            }
            if b == 39 || b == 34 {
                if quote == nil { quote = b } else if quote == b { quote = nil }
            }
            result.append(b)
            i += 1
        }
        out = String(decoding: result, as: UTF8.self)
        return out
    }
}

/// Computes signatures (version 1) with a language pack's templates.
public struct SignatureMaker: Sendable {
    public static let version = 1
    public var templates: any MessageTemplates

    public init(templates: any MessageTemplates) { self.templates = templates }

    /// `.whitespaces` trimmed (frozen with v1); Foundation is asked only when an end of the
    /// line is a blank or not ASCII — the only bytes that set holds.
    static func trimmingWhitespace(_ line: String) -> String {
        guard let first = line.utf8.first, let last = line.utf8.last else { return line }
        func plain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }
        return plain(first) && plain(last) ? line : line.trimmingCharacters(in: .whitespaces)
    }

    /// The message up to its first line end, as splitting its Characters at "\n" gives it
    /// (frozen with v1): found as a byte; a "\r\n" (one Character, not split there) is left
    /// to the Character split. Also a cause's message and its signature cache's key
    /// (`TriageAccumulator`).
    static func firstLine(_ message: String) -> String {
        let bytes = message.utf8
        guard let newline = bytes.firstIndex(of: 10) else { return message }
        if newline > bytes.startIndex, bytes[bytes.index(before: newline)] == 13 {
            return message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        }
        return String(message[..<newline])
    }

    public func signature(for failure: Failure) -> Signature {
        let firstLine = Self.firstLine(failure.message)
        let trimmed = Self.trimmingWhitespace(firstLine)
        if failure.phase != .skip, let known = templates.template(exceptionType: failure.exceptionType, message: trimmed) {
            return Signature(kind: failure.exceptionType, template: known.template, parameters: known.parameters)
        }
        return Signature(kind: failure.exceptionType, template: SignatureMasking.v1(trimmed), parameters: [:])
    }
}
