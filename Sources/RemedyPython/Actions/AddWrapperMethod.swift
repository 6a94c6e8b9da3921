import Foundation
import RemedyCore

/// `python.add-wrapper-method`: a method was renamed and its callers still use the old
/// name. Adds the old name back to the class as a thin wrapper that delegates to the new
/// one: same parameters (annotations and defaults copied), `async def … return await`
/// when the delegate is async, `@staticmethod`/`@classmethod` kept, the class's own
/// indentation and line breaks, a one-line docstring.
///
/// The delegate is the `delegate` parameter (the failure's "Did you mean" hint) when the
/// class has it; otherwise the most similar method name. Refuses when the class is not
/// defined in the repository (installed packages are never edited), when no method is
/// similar enough, or when two are equally similar.
public struct AddWrapperMethod: Action {
    public let id = "python.add-wrapper-method"
    public let applicability = Applicability.safe
    public let parameterNames = ["class", "name", "delegate"]

    public init() {}

    public func makeFix(_ request: ActionRequest) throws -> Fix {
        guard let className = request.parameters["class"], !className.isEmpty,
              let name = request.parameters["name"], !name.isEmpty else {
            throw ActionRefusal("needs the class and the missing method's name")
        }
        let candidates = PythonFiles.classes(named: className, root: request.root)
        guard !candidates.isEmpty else {
            throw ActionRefusal("class \(className) is not defined in the repository (installed packages are never edited)")
        }
        // Several classes of that name: the one that has a plausible delegate.
        var chosen: (path: String, source: PythonSource, definition: PythonDefinition, delegate: PythonDefinition, why: String)? = nil
        var reasons: [String] = []
        for candidate in candidates {
            if candidate.definition.methods.contains(where: { $0.name == name }) {
                return Fix(title: "Add \(className).\(name)", edits: [], applicability: applicability, notes: ["\(candidate.path): \(className) already defines \(name)"])
            }
            do {
                let (delegate, why) = try chooseDelegate(in: candidate.definition, missing: name, hint: request.parameters["delegate"] ?? "")
                if chosen != nil {
                    throw ActionRefusal("class \(className) is defined more than once (\(chosen!.path), \(candidate.path)); give the delegate explicitly")
                }
                chosen = (candidate.path, candidate.source, candidate.definition, delegate, why)
            } catch let refusal as ActionRefusal {
                reasons.append(refusal.reason)
            }
        }
        guard let chosen else { throw ActionRefusal(reasons.joined(separator: "; ")) }
        if chosen.delegate.isProperty {
            throw ActionRefusal("\(className).\(chosen.delegate.name) is a property; a method wrapper would change how it is used")
        }
        // The wrapper takes the delegate's parameters: every call of the old name in the
        // cause's files must fit them, or the tests would only trade the AttributeError
        // for a TypeError.
        var calls: [PythonCallSites.CallShape] = []
        for file in Set(request.finding.cluster.files.map(\.path)).sorted() {
            guard let data = FileManager.default.contents(atPath: request.root + "/" + file) else { continue }
            calls += PythonCallSites.calls(to: name, in: PythonSource(bytes: [UInt8](data)), path: file)
        }
        if let misfit = calls.lazy.compactMap({ self.misfit($0, delegate: chosen.delegate) }).first {
            throw ActionRefusal(misfit)
        }
        let text = wrapper(named: name, delegate: chosen.delegate, in: chosen.definition, className: className, lineBreak: chosen.source.lineBreak)
        var insertion = text
        let at = chosen.delegate.end
        if at > 0, chosen.source.bytes[at - 1] != 10 { insertion = chosen.source.lineBreak + insertion }
        let edit = Edit.insert(chosen.source.lineBreak + insertion, at: at, in: chosen.path)
        let kind = chosen.delegate.isAsync ? "async " : ""
        return Fix(title: "Add \(className).\(name) delegating to \(chosen.delegate.name)",
                   edits: [edit], applicability: applicability,
                   notes: ["\(className).\(name) is missing; the class has \(kind)\(chosen.delegate.name)(\(chosen.delegate.parameters.map(\.text).joined(separator: ", "))) — \(chosen.why).",
                           "The wrapper keeps old callers working with the same parameters; it does not adapt callers that expect another return type."])
    }

    /// Why a call cannot go through a wrapper with the delegate's parameters; nil when it fits.
    func misfit(_ call: PythonCallSites.CallShape, delegate: PythonDefinition) -> String? {
        guard !call.unpacks else { return nil }
        var parameters = delegate.parameters
        if !delegate.isStaticMethod, let first = parameters.first, first.kind == .regular || first.kind == .positionalOnly { parameters.removeFirst() }
        let positional = parameters.filter { $0.kind == .positionalOnly || $0.kind == .regular }
        let signature = "\(delegate.name)(\(parameters.map(\.text).joined(separator: ", ")))"
        let place = "\(call.path):\(call.line)"
        if call.positional > positional.count, !parameters.contains(where: { $0.kind == .variadic }) {
            return "the call at \(place) passes \(call.positional) positional argument\(call.positional == 1 ? "" : "s"); \(signature) takes \(positional.count): a wrapper would raise TypeError (adapt the callers, or write the wrapper by hand)"
        }
        let named = Set(parameters.filter { $0.kind == .regular || $0.kind == .keywordOnly }.map(\.name))
        if let unknown = call.keywords.first(where: { !named.contains($0) }), !parameters.contains(where: { $0.kind == .variadicKeyword }) {
            return "the call at \(place) passes \(unknown)=, which \(signature) does not take: a wrapper would raise TypeError (adapt the callers, or write the wrapper by hand)"
        }
        let given = Set(positional.prefix(call.positional).map(\.name)).union(call.keywords)
        let required = parameters.filter { !$0.hasDefault && $0.kind != .variadic && $0.kind != .variadicKeyword }
        if let missing = required.first(where: { !given.contains($0.name) }) {
            return "the call at \(place) does not pass \(missing.name), which \(signature) requires: a wrapper would raise TypeError (adapt the callers, or write the wrapper by hand)"
        }
        return nil
    }

    /// The delegate: the hint if the class has it, else the most similar method.
    func chooseDelegate(in cls: PythonDefinition, missing name: String, hint: String) throws -> (PythonDefinition, String) {
        let methods = cls.methods.filter { !($0.name.hasPrefix("__") && $0.name.hasSuffix("__")) && $0.name != name }
        if !hint.isEmpty, let method = methods.first(where: { $0.name == hint }) {
            return (method, "chosen from Python's hint \"Did you mean: '\(hint)'\"")
        }
        var candidates = methods.map(\.name)
        // A public name was renamed to a public name: a private helper (`_parse`) is taken
        // only when no public method is similar enough.
        if !name.hasPrefix("_") {
            let publicOnes = candidates.filter { !$0.hasPrefix("_") }
            if NameSimilarity.closest(to: name, among: publicOnes) != .none { candidates = publicOnes }
        }
        switch NameSimilarity.closest(to: name, among: candidates) {
        case .none:
            let names = methods.map(\.name).joined(separator: ", ")
            throw ActionRefusal("\(cls.name) has no method like \(name) (methods: \(names.isEmpty ? "none" : names))")
        case let .tie(first, second):
            throw ActionRefusal("\(cls.name).\(first) and \(cls.name).\(second) are equally like \(name); give the delegate explicitly")
        case let .best(best, score):
            return (methods.first { $0.name == best }!, String(format: "chosen as the most similar name (%.2f)", score))
        }
    }

    func wrapper(named name: String, delegate: PythonDefinition, in cls: PythonDefinition, className: String, lineBreak: String) -> String {
        let unit = delegate.indent.count > cls.indent.count ? String(delegate.indent.dropFirst(cls.indent.count)) : "    "
        let body = delegate.indent + unit
        var parameters = delegate.parameters
        var receiver = className
        if !delegate.isStaticMethod, let first = parameters.first, first.kind == .regular || first.kind == .positionalOnly {
            receiver = first.name
            parameters.removeFirst()
        }
        let arguments = parameters.map { p -> String in
            switch p.kind {
            case .positionalOnly, .regular: p.name
            case .variadic: "*" + p.name
            case .keywordOnly: "\(p.name)=\(p.name)"
            case .variadicKeyword: "**" + p.name
            }
        }
        var signature = delegate.parameters.map(\.text)
        if let slash = slashPosition(delegate) { signature.insert("/", at: slash) }
        if let star = bareStarPosition(delegate) { signature.insert("*", at: star) }
        var lines: [String] = []
        for decorator in delegate.decorators where decorator == "staticmethod" || decorator == "classmethod" {
            lines.append(delegate.indent + "@" + decorator)
        }
        let returns = delegate.returns.map { " -> \($0)" } ?? ""
        lines.append(delegate.indent + (delegate.isAsync ? "async " : "") + "def \(name)(\(signature.joined(separator: ", ")))\(returns):")
        lines.append(body + "\"\"\"Compatibility alias of `\(delegate.name)`, kept for callers of `\(name)` (added by Remedy).\"\"\"")
        lines.append(body + "return " + (delegate.isAsync ? "await " : "") + "\(receiver).\(delegate.name)(\(arguments.joined(separator: ", ")))")
        return lines.joined(separator: lineBreak) + lineBreak
    }

    /// Where a `/` stood: after the last positional-only parameter.
    private func slashPosition(_ d: PythonDefinition) -> Int? {
        guard let last = d.parameters.lastIndex(where: { $0.kind == .positionalOnly }) else { return nil }
        return last + 1
    }

    /// Where a bare `*` stood: before the first keyword-only parameter when there is no `*args`.
    private func bareStarPosition(_ d: PythonDefinition) -> Int? {
        guard !d.parameters.contains(where: { $0.kind == .variadic }),
              let first = d.parameters.firstIndex(where: { $0.kind == .keywordOnly }) else { return nil }
        return first + (slashPosition(d).map { $0 <= first ? 1 : 0 } ?? 0)
    }

    public var examples: [ActionExample] {
        [
            ActionExample(
                "async delegate from the hint, annotations and defaults kept",
                before: ["helpers/auth.py": """
                    class E2EAuthHelper:
                        async def create_test_user_with_auth(self, email: str, user_id: str = None) -> dict:
                            return {"token": email}

                        def other(self):
                            pass

                    """],
                parameters: ["class": "E2EAuthHelper", "name": "create_test_user_with_token", "delegate": "create_test_user_with_auth"],
                after: ["helpers/auth.py": """
                    class E2EAuthHelper:
                        async def create_test_user_with_auth(self, email: str, user_id: str = None) -> dict:
                            return {"token": email}

                        async def create_test_user_with_token(self, email: str, user_id: str = None) -> dict:
                            \"\"\"Compatibility alias of `create_test_user_with_auth`, kept for callers of `create_test_user_with_token` (added by Remedy).\"\"\"
                            return await self.create_test_user_with_auth(email, user_id)

                        def other(self):
                            pass

                    """]),
            ActionExample(
                "no hint: the most similar method, *args/**kwargs and keyword-only passed through",
                before: ["client.py": """
                    class Client:
                        def connect(self):
                            pass

                        def send_and_wait(self, text, *extra, timeout=1.0, **options):
                            return text

                    """],
                parameters: ["class": "Client", "name": "send_message_and_wait", "delegate": ""],
                after: ["client.py": """
                    class Client:
                        def connect(self):
                            pass

                        def send_and_wait(self, text, *extra, timeout=1.0, **options):
                            return text

                        def send_message_and_wait(self, text, *extra, timeout=1.0, **options):
                            \"\"\"Compatibility alias of `send_and_wait`, kept for callers of `send_message_and_wait` (added by Remedy).\"\"\"
                            return self.send_and_wait(text, *extra, timeout=timeout, **options)

                    """]),
            ActionExample(
                "nested class, tab indentation, staticmethod, CRLF",
                before: ["m.py": "def outer():\r\n\tclass Inner:\r\n\t\t@staticmethod\r\n\t\tdef build_user(name, /, *, admin=False):\r\n\t\t\treturn name\r\n\treturn Inner\r\n"],
                parameters: ["class": "Inner", "name": "make_user", "delegate": "build_user"],
                after: ["m.py": "def outer():\r\n\tclass Inner:\r\n\t\t@staticmethod\r\n\t\tdef build_user(name, /, *, admin=False):\r\n\t\t\treturn name\r\n\r\n\t\t@staticmethod\r\n\t\tdef make_user(name, /, *, admin=False):\r\n\t\t\t\"\"\"Compatibility alias of `build_user`, kept for callers of `make_user` (added by Remedy).\"\"\"\r\n\t\t\treturn Inner.build_user(name, admin=admin)\r\n\treturn Inner\r\n"]),
            ActionExample(
                "classmethod at the end of a file without a final line break",
                before: ["f.py": "class Factory:\n    @classmethod\n    def create_with_session(cls, user):\n        return cls()"],
                parameters: ["class": "Factory", "name": "create_with_token", "delegate": ""],
                after: ["f.py": "class Factory:\n    @classmethod\n    def create_with_session(cls, user):\n        return cls()\n\n    @classmethod\n    def create_with_token(cls, user):\n        \"\"\"Compatibility alias of `create_with_session`, kept for callers of `create_with_token` (added by Remedy).\"\"\"\n        return cls.create_with_session(user)\n"]),
            ActionExample(
                "a public rename is preferred to a private helper of the same letters (dateutil's isoparser)",
                before: ["iso.py": "class isoparser:\n    def parse_iso_date(self, datestr):\n        return self._parse_isodate(datestr)[0]\n\n    def _parse_isodate(self, dt_str):\n        return ([1, 2, 3], 10)\n"],
                parameters: ["class": "isoparser", "name": "parse_isodate", "delegate": ""],
                after: ["iso.py": "class isoparser:\n    def parse_iso_date(self, datestr):\n        return self._parse_isodate(datestr)[0]\n\n    def parse_isodate(self, datestr):\n        \"\"\"Compatibility alias of `parse_iso_date`, kept for callers of `parse_isodate` (added by Remedy).\"\"\"\n        return self.parse_iso_date(datestr)\n\n    def _parse_isodate(self, dt_str):\n        return ([1, 2, 3], 10)\n"]),
            ActionExample(
                "the class is not in the repository",
                before: ["a.py": "class Other:\n    def go(self):\n        pass\n"],
                parameters: ["class": "Session", "name": "get_token", "delegate": ""],
                refusal: "not defined in the repository"),
            ActionExample(
                "no similar method",
                before: ["a.py": "class Cart:\n    def add(self, item):\n        pass\n"],
                parameters: ["class": "Cart", "name": "checkout_with_coupon", "delegate": ""],
                refusal: "has no method like"),
            ActionExample(
                "two equally similar methods",
                before: ["a.py": "class Users:\n    def create_user_with_abc(self):\n        pass\n\n    def create_user_with_xyz(self):\n        pass\n"],
                parameters: ["class": "Users", "name": "create_user_with_def", "delegate": ""],
                refusal: "equally like"),
            ActionExample(
                "the callers pass what the delegate takes (keywords, defaults left out): the wrapper is added",
                before: ["app/auth.py": "class Auth:\n    def login_with_password(self, user, password, *, remember=False):\n        return user\n",
                         "tests/test_auth.py": "def test_a(auth):\n    auth.login_with_pwd('u', password='p')\n    auth.login_with_pwd(\n        'u', 'p', remember=True,  # a comment\n    )\n"],
                parameters: ["class": "Auth", "name": "login_with_pwd", "delegate": "login_with_password", "files": "tests/test_auth.py"],
                after: ["app/auth.py": "class Auth:\n    def login_with_password(self, user, password, *, remember=False):\n        return user\n\n    def login_with_pwd(self, user, password, *, remember=False):\n        \"\"\"Compatibility alias of `login_with_password`, kept for callers of `login_with_pwd` (added by Remedy).\"\"\"\n        return self.login_with_password(user, password, remember=remember)\n"]),
            ActionExample(
                "a caller passes more than the delegate takes: a wrapper would only trade the error for a TypeError",
                before: ["app/auth.py": "class Auth:\n    def login_with_password(self, user, password):\n        return user\n",
                         "tests/test_auth.py": "def test_a(auth):\n    auth.login_with_pwd('u', 'p', f(1, 2))\n"],
                parameters: ["class": "Auth", "name": "login_with_pwd", "delegate": "login_with_password", "files": "tests/test_auth.py"],
                refusal: "the call at tests/test_auth.py:2 passes 3 positional arguments"),
            ActionExample(
                "a caller names a keyword the delegate does not have",
                before: ["app/auth.py": "class Auth:\n    def login_with_password(self, user, password):\n        return user\n",
                         "tests/test_auth.py": "def test_a(auth):\n    auth.login_with_pwd(user='u', pwd='p')\n"],
                parameters: ["class": "Auth", "name": "login_with_pwd", "delegate": "login_with_password", "files": "tests/test_auth.py"],
                refusal: "passes pwd=, which login_with_password(user, password) does not take"),
        ]
    }
}
