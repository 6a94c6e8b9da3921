import Foundation

/// The starting point of a new rule, made from a real failure: a message regex in which
/// every quoted value became a named group, and a first strategy the author edits.
public enum RuleScaffold {
    /// `'Foo' object has no attribute 'bar'` → `^'(?<value1>[^']+)' object has no attribute '(?<value2>[^']+)'$`
    /// and the values, in order.
    public static func messagePattern(_ message: String) -> (pattern: String, values: [String]) {
        var pattern = "^"
        var values: [String] = []
        var rest = Substring(message)
        while let open = rest.firstIndex(of: "'") {
            pattern += escape(rest[..<open])
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "'") else {
                rest = rest[open...]
                break
            }
            values.append(String(rest[afterOpen..<close]))
            pattern += "'(?<value\(values.count)>[^']+)'"
            rest = rest[rest.index(after: close)...]
        }
        pattern += escape(rest) + "$"
        return (pattern, values)
    }

    static func escape(_ text: Substring) -> String {
        var out = ""
        for c in text {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// YAML for a rule; `strategy` is (action, parameters).
    public static func yaml(id: String, exception: String, pattern: String, phase: Phase, action: String, parameters: [(String, String)], source: String) -> String {
        let with = parameters.map { "\($0.0): \"\($0.1)\"" }.joined(separator: ", ")
        let quoted = pattern.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return """
            schema: remedy/v1
            id: \(id)
            title: "TODO: say what breaks, in a line"
            description: >
              TODO: why it breaks and why the strategy fixes it. Made by `remedy playbooks new`
              from \(source).
            language: python
            match:
              exception: [\(exception)]
              message: "\(quoted)"
              phase: [\(phase == .skip ? "collection" : phase.rawValue)]
            strategies:
              - id: first
                action: \(action)
                with: { \(with) }

            """
    }
}
