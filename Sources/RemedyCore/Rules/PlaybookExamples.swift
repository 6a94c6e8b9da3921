import Foundation

/// Runs the examples that sit beside a rule, in a folder named by its id:
/// `<id>/<example>/log` (a pytest output excerpt or a JUnit file), `before/`, and either
/// `after/` (what the first applicable strategy must produce, byte for byte) or `ok` (the
/// rule must not match). Each fix is applied twice: the second time must change nothing.
public struct PlaybookExamples {
    /// One example's outcome.
    public struct Result: Codable, Sendable {
        public var rule: String
        public var example: String
        public var passed: Bool
        public var problems: [String]
    }

    public var pack: any LanguagePack
    public var probeInterpreter: String?

    public init(pack: any LanguagePack, probeInterpreter: String? = nil) {
        self.pack = pack
        self.probeInterpreter = probeInterpreter
    }

    /// The example folders of a rule, beside its file.
    public static func exampleFolders(for rule: Rule) -> [String] {
        let folder = ((rule.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(rule.id)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.sorted().map { (folder as NSString).appendingPathComponent($0) }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    public func run(_ rule: Rule) async -> [Result] {
        var results: [Result] = []
        for folder in Self.exampleFolders(for: rule) {
            let name = (folder as NSString).lastPathComponent
            let problems = await check(rule, example: folder)
            results.append(Result(rule: rule.id, example: name, passed: problems.isEmpty, problems: problems))
        }
        return results
    }

    func check(_ rule: Rule, example folder: String) async -> [String] {
        let manager = FileManager.default
        let logPath = folder + "/log"
        guard manager.fileExists(atPath: logPath) else { return ["\(folder): no log file (a pytest output excerpt or JUnit report named `log`)"] }
        let expectNoMatch = manager.fileExists(atPath: folder + "/ok")
        guard expectNoMatch || manager.fileExists(atPath: folder + "/after") else { return ["\(folder): needs after/ (the expected tree) or ok (must not match)"] }
        let work = manager.temporaryDirectory.appendingPathComponent("remedy-example-\(UUID().uuidString.prefix(8))").path
        defer { try? manager.removeItem(atPath: work) }
        do {
            if manager.fileExists(atPath: folder + "/before") {
                try manager.copyItem(atPath: folder + "/before", toPath: work)
            } else {
                try manager.createDirectory(atPath: work, withIntermediateDirectories: true)
            }
        } catch {
            return ["\(folder): cannot copy before/: \(error)"]
        }
        var run: TestRun
        do {
            run = try pack.logReader.read(path: logPath)
        } catch {
            return ["\(folder)/log: \(error)"]
        }
        if let probeInterpreter, let probe = pack.probe(interpreter: probeInterpreter) { run = await probe.reveal(run, root: work) }
        let clusters = Triage(signatures: pack.signatureMaker, scanner: pack.scanner, root: work).clusters(of: run).filter { !$0.isSkip }
        let findings = RuleMatcher(rules: [rule], root: work).findings(for: clusters)
        if expectNoMatch {
            return findings.isEmpty ? [] : ["matched \(findings[0].cluster.exceptionType): \(findings[0].cluster.message), which the example marks ok"]
        }
        guard let finding = findings.first else {
            let reasons = clusters.map { cluster -> String in
                if case let .failed(field, reason) = RuleMatcher(rules: [rule], root: work).evaluate(rule, against: cluster) { return "\(field): \(reason)" }
                return "matched"
            }
            return ["the rule matches no failure of the log (\(clusters.count) cause\(clusters.count == 1 ? "" : "s"): \(reasons.joined(separator: "; ")))"]
        }
        let editor = FileEditor(root: URL(fileURLWithPath: work))
        var refusals: [String] = []
        for strategy in rule.strategies {
            guard let action = strategy.resolve(in: pack.actionRegistry) else { return ["unknown action \(strategy.action)"] }
            let request = ActionRequest(finding: finding, parameters: strategy.resolvedParameters(finding.bindings), root: work)
            do {
                let fix = try await action.fix(request)
                try editor.apply(fix)
                var problems = compare(work, folder + "/after")
                if let again = try? await action.fix(request), !(try editor.apply(again)).isEmpty {
                    problems.append("strategy \(strategy.id): applying the fix a second time changed the tree again")
                }
                return problems.map { "strategy \(strategy.id): \($0)" }
            } catch let refusal as ActionRefusal {
                refusals.append("\(strategy.id): \(refusal.reason)")
            } catch {
                return ["strategy \(strategy.id): \(error)"]
            }
        }
        return ["no strategy applied (\(refusals.joined(separator: "; ")))"]
    }

    /// Differences between two trees, file by file, byte for byte.
    func compare(_ actual: String, _ expected: String) -> [String] {
        func files(_ root: String) -> [String: Data] {
            var result: [String: Data] = [:]
            let walker = FileManager.default.enumerator(atPath: root)
            while let relative = walker?.nextObject() as? String {
                if relative.contains("__pycache__") { continue }
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                    result[relative] = FileManager.default.contents(atPath: root + "/" + relative)
                }
            }
            return result
        }
        let got = files(actual), want = files(expected)
        var problems: [String] = []
        for path in Set(got.keys).union(want.keys).sorted() {
            switch (got[path], want[path]) {
            case (nil, _): problems.append("\(path) is in after/ but the fix did not create it")
            case (_, nil): problems.append("\(path) is not in after/ (the fix created or kept it)")
            case let (g?, w?) where g != w:
                problems.append("\(path) differs from after/:\n--- expected\n\(String(decoding: w, as: UTF8.self))--- actual\n\(String(decoding: g, as: UTF8.self))")
            default: break
            }
        }
        return problems
    }
}
