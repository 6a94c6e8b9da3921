import RemedyCore

/// Python's message templates for signatures: the key parameters of the common
/// exceptions (the class and attribute of an AttributeError, the module of an import
/// failure…). Order matters: the first that matches wins. Frozen with signature v1 once a
/// template has named a branch: add templates, never change one.
public enum PythonMessageTemplates {
    public static func make() -> TemplateList {
        let specs: [(Set<String>, String, String)] = [
            (["AttributeError"], #"^'(?<class>[\w.]+)' object has no attribute '(?<name>\w+)'"#, "'{class}' object has no attribute '{name}'"),
            (["AttributeError"], #"^type object '(?<class>[\w.]+)' has no attribute '(?<name>\w+)'"#, "type object '{class}' has no attribute '{name}'"),
            (["AttributeError"], #"^module '(?<module>[\w.]+)' has no attribute '(?<name>\w+)'"#, "module '{module}' has no attribute '{name}'"),
            (["ModuleNotFoundError", "ImportError"], #"^No module named '(?<module>[\w.]+)'"#, "No module named '{module}'"),
            (["ImportError"], #"^cannot import name '(?<name>\w+)' from '(?<module>[\w.]+)'"#, "cannot import name '{name}' from '{module}'"),
            (["ImportError"], #"^cannot import name '(?<name>\w+)' from partially initialized module '(?<module>[\w.]+)'"#, "cannot import name '{name}' from partially initialized module '{module}'"),
            (["NameError"], #"^name '(?<name>\w+)' is not defined"#, "name '{name}' is not defined"),
            (["TypeError"], #"^(?<function>[\w.]+)\(\) got an unexpected keyword argument '(?<argument>\w+)'"#, "{function}() got an unexpected keyword argument '{argument}'"),
            (["TypeError"], #"^(?<function>[\w.]+)\(\) missing \d+ required (?<kind>positional|keyword-only) arguments?: "#, "{function}() missing required {kind} arguments"),
            (["TypeError"], #"^(?<function>[\w.]+)\(\) takes \d+ positional arguments? but \d+ (?:were|was) given"#, "{function}() takes a different number of positional arguments"),
            (["DeprecationWarning", "PendingDeprecationWarning", "FutureWarning"], #"^(?<module>[\w.]+) is deprecated[;,]? (?:use|in favou?r of) (?<new>[\w.]+)"#, "{module} is deprecated; use {new}"),
            // One cause, whichever character follows the backslash: one fix escapes them all.
            (["DeprecationWarning", "SyntaxWarning"], #"^invalid escape sequence '\\.'"#, "invalid escape sequence"),
        ]
        return TemplateList(specs.map { try! MessageTemplate(exceptionTypes: $0.0, pattern: $0.1, template: $0.2) })
    }
}
