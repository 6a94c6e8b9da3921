/// How alike two identifiers are, for choosing a delegate when Python gives no hint:
/// the words (split at `_` and case changes) they share in order, and their letters with
/// the separators taken out — so `parse_isodate` and `parse_iso_date` are as alike as
/// the words `parse isodate` and `parse iso date` read.
public enum NameSimilarity {
    public static func score(_ a: String, _ b: String) -> Double {
        let wa = words(a), wb = words(b)
        let common = lcs(wa, wb)
        let wordScore = wa.isEmpty || wb.isEmpty ? 0 : 2 * Double(common) / Double(wa.count + wb.count)
        let ca = Array(wa.joined().utf8), cb = Array(wb.joined().utf8)
        let distance = levenshtein(ca, cb)
        let letterScore = 1 - Double(distance) / Double(max(ca.count, cb.count, 1))
        return 0.5 * wordScore + 0.5 * letterScore
    }

    /// What choosing the candidate most like a name came to.
    public enum Choice: Equatable {
        case best(String, score: Double)
        /// None is similar enough.
        case none
        /// Two are the most similar, equally.
        case tie(String, String)
    }

    /// Below this similarity a name is not taken as the one it was renamed to (a method
    /// for a wrapper's delegate, a library's name for an import).
    public static let renamedThreshold = 0.45

    /// The candidate most like `name`, when it reaches `threshold` and no other is as like.
    public static func closest(to name: String, among candidates: [String], threshold: Double = renamedThreshold) -> Choice {
        let scored = candidates.map { ($0, score(name, $0)) }.sorted { $0.1 > $1.1 }
        guard let best = scored.first, best.1 >= threshold else { return .none }
        if scored.count > 1, abs(scored[1].1 - best.1) < 1e-9 { return .tie(best.0, scored[1].0) }
        return .best(best.0, score: best.1)
    }

    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        for c in name {
            if c == "_" {
                if !current.isEmpty { words.append(current.lowercased()); current = "" }
            } else if c.isUppercase, let last = current.last, last.isLowercase {
                words.append(current.lowercased())
                current = String(c)
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }

    static func lcs(_ a: [String], _ b: [String]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var row = [Int](repeating: 0, count: b.count + 1)
            for (j, y) in b.enumerated() { row[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], row[j]) }
            previous = row
        }
        return previous[b.count]
    }

    static func levenshtein(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var row = [i + 1] + [Int](repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                row[j + 1] = min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}
