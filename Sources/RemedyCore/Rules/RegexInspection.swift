/// What Remedy reads from a rule's regex without running it: a literal every match must
/// contain (the matcher's prefilter), and nested unbounded quantifiers (`playbooks lint`).
///
/// Conservative by design: when the pattern has a construct it does not follow (top-level
/// alternation, a caseless or extended flag, a backreference), there is no literal.
public enum RegexInspection {
    /// The longest run of literal text (at least three bytes) every match must contain.
    public static func requiredLiteral(in pattern: String) -> String? {
        let p = Array(pattern.utf8)
        // (Searched as bytes: Foundation's String.contains goes through NSString.)
        if containsTopLevelAlternation(p) || XMLScanner.find(Array("(?i".utf8), in: p, from: 0) != nil
            || XMLScanner.find(Array("(?x".utf8), in: p, from: 0) != nil { return nil }
        var best: [UInt8] = [], run: [UInt8] = []
        func endRun() {
            if run.count > best.count { best = run }
            run = []
        }
        var i = 0
        while i < p.count {
            let byte = p[i]
            var literal: UInt8? = nil
            var next = i + 1
            switch byte {
            case UInt8(ascii: "\\"):
                guard i + 1 < p.count else { return nil }
                let escaped = p[i + 1]
                // Escaped punctuation is itself; \w, \d, \Q…, \1 and the like are not literal.
                if !isAlphanumeric(escaped) && escaped < 0x80 { literal = escaped }
                next = i + 2
            case UInt8(ascii: "("), UInt8(ascii: "["):
                // A group or class: skip it whole; what it matches is not a fixed text.
                endRun()
                i = skipBracketed(p, from: i)
                // A quantifier after it changes nothing for the runs around it.
                i = skipQuantifier(p, from: i)
                continue
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: ")"), UInt8(ascii: "|"):
                literal = nil
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                literal = nil
            default:
                literal = byte
            }
            guard let literal else { endRun(); i = next; continue }
            // A quantified byte is optional or repeated: the run ends before it.
            if next < p.count, [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "{")].contains(p[next]) {
                endRun()
                i = skipQuantifier(p, from: next)
                continue
            }
            if next < p.count, p[next] == UInt8(ascii: "+") {
                // One or more: the run so far ends with one; what follows follows the last.
                run.append(literal)
                endRun()
                run = [literal]
                i = skipQuantifier(p, from: next)
                continue
            }
            run.append(literal)
            i = next
        }
        endRun()
        guard best.count >= 3, let text = String(validating: best, as: UTF8.self) else { return nil }
        return text
    }

    /// Byte offsets of groups that hold an unbounded quantifier and are themselves
    /// repeated without bound, like `(a+)+` or `(\w*\s?)*`: patterns that can backtrack
    /// exponentially. Possessive (`a++`) and atomic (`(?>…)`) forms are not flagged.
    public static func nestedUnboundedQuantifiers(in pattern: String) -> [Int] {
        let p = Array(pattern.utf8)
        var stack: [(start: Int, unbounded: Bool, atomic: Bool)] = []
        var found: [Int] = []
        var i = 0
        func markUnbounded() { if !stack.isEmpty { stack[stack.count - 1].unbounded = true } }
        while i < p.count {
            switch p[i] {
            case UInt8(ascii: "\\"):
                i += 2
                if let (unbounded, end) = quantifier(p, at: i) { if unbounded { markUnbounded() }; i = end }
            case UInt8(ascii: "["):
                i = skipBracketed(p, from: i)
                if let (unbounded, end) = quantifier(p, at: i) { if unbounded { markUnbounded() }; i = end }
            case UInt8(ascii: "("):
                let atomic = i + 2 < p.count && p[i + 1] == UInt8(ascii: "?") && p[i + 2] == UInt8(ascii: ">")
                stack.append((i, false, atomic))
                i += 1
            case UInt8(ascii: ")"):
                guard let group = stack.popLast() else { i += 1; continue }
                i += 1
                var repeatedUnbounded = false
                if let (unbounded, end) = quantifier(p, at: i) { repeatedUnbounded = unbounded; i = end }
                if repeatedUnbounded && group.unbounded && !group.atomic { found.append(group.start) }
                // The group's own looseness is its parent's too.
                if group.unbounded || repeatedUnbounded { markUnbounded() }
            default:
                i += 1
                if let (unbounded, end) = quantifier(p, at: i) { if unbounded { markUnbounded() }; i = end }
            }
        }
        return found
    }

    /// A quantifier at `i`: whether it is unbounded (and not possessive), and where it ends.
    private static func quantifier(_ p: [UInt8], at i: Int) -> (unbounded: Bool, end: Int)? {
        guard i < p.count else { return nil }
        var unbounded: Bool
        var end: Int
        switch p[i] {
        case UInt8(ascii: "*"), UInt8(ascii: "+"): unbounded = true; end = i + 1
        case UInt8(ascii: "?"): unbounded = false; end = i + 1
        case UInt8(ascii: "{"):
            guard let close = p[i...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
            let body = p[(i + 1)..<close]
            guard !body.isEmpty, body.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ",") }) else { return nil }
            unbounded = body.last == UInt8(ascii: ",")
            end = close + 1
        default: return nil
        }
        if end < p.count, p[end] == UInt8(ascii: "+") { unbounded = false; end += 1 }       // possessive
        else if end < p.count, p[end] == UInt8(ascii: "?") { end += 1 }                       // lazy: still backtracks
        return (unbounded, end)
    }

    private static func skipQuantifier(_ p: [UInt8], from i: Int) -> Int {
        quantifier(p, at: i)?.end ?? i
    }

    /// The index after the group or class that opens at `i`.
    private static func skipBracketed(_ p: [UInt8], from i: Int) -> Int {
        if p[i] == UInt8(ascii: "[") {
            var k = i + 1
            if k < p.count, p[k] == UInt8(ascii: "^") { k += 1 }
            if k < p.count, p[k] == UInt8(ascii: "]") { k += 1 }
            while k < p.count, p[k] != UInt8(ascii: "]") { k += p[k] == UInt8(ascii: "\\") ? 2 : 1 }
            return min(p.count, k + 1)
        }
        var depth = 0, k = i
        while k < p.count {
            switch p[k] {
            case UInt8(ascii: "\\"): k += 2; continue
            case UInt8(ascii: "["): k = skipBracketed(p, from: k); continue
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return k + 1 }
            default: break
            }
            k += 1
        }
        return p.count
    }

    private static func containsTopLevelAlternation(_ p: [UInt8]) -> Bool {
        var k = 0
        while k < p.count {
            switch p[k] {
            case UInt8(ascii: "\\"): k += 2; continue
            case UInt8(ascii: "["), UInt8(ascii: "("): k = skipBracketed(p, from: k); continue
            case UInt8(ascii: "|"): return true
            default: k += 1
            }
        }
        return false
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
    }
}
