#!/usr/bin/env python3
"""Remedy external action (protocol 1): Pydantic v2's deprecated class-based `Config`.

Reads one request on standard input, answers one response on standard output. Every
pydantic model in the repository whose inner `class Config:` holds only plain settings
gets `model_config = ConfigDict(...)` instead (settings renamed in v2 are renamed), and
`ConfigDict` is imported. Remedy writes the edits; this script only proposes them.
"""
import ast
import json
import os
import sys

RENAMED = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
    "max_anystr_length": "str_max_length",
    "min_anystr_length": "str_min_length",
    "validate_all": "validate_default",
    "schema_extra": "json_schema_extra",
}
SKIPPED_FOLDERS = {"__pycache__", "node_modules", "site-packages", "dist-packages"}


def line_offsets(source):
    offsets, total = [0], 0
    for line in source.splitlines(keepends=True):
        total += len(line)
        offsets.append(total)
    return offsets


def config_settings(config, source):
    """(name, value source) pairs, or None when Config holds more than plain settings."""
    settings = []
    for node in config.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            continue  # a docstring
        if isinstance(node, ast.Pass):
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value = node.target.id, node.value
        else:
            return None
        text = ast.get_source_segment(source, value)
        if name == "allow_mutation":
            name, text = "frozen", ("not (%s)" % text) if text not in ("True", "False") else str(text == "False")
        settings.append((RENAMED.get(name, name), text))
    return settings


def rewrite(raw, rel):
    source = raw.decode("utf-8")
    tree = ast.parse(source)
    offsets = line_offsets(raw)
    edits, count = [], 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef) or not node.bases:
            continue
        for inner in node.body:
            if not (isinstance(inner, ast.ClassDef) and inner.name == "Config" and not inner.decorator_list):
                continue
            settings = config_settings(inner, source)
            if settings is None:
                continue
            start = offsets[inner.lineno - 1]
            end = offsets[inner.end_lineno]
            indent = raw[start:start + inner.col_offset].decode()
            arguments = ", ".join("%s=%s" % pair for pair in settings)
            edits.append({"path": rel, "range": [start, end], "text": "%smodel_config = ConfigDict(%s)\n" % (indent, arguments)})
            count += 1
    if not edits:
        return [], 0
    imported = any(isinstance(n, ast.ImportFrom) and n.module == "pydantic" and any(a.name == "ConfigDict" for a in n.names) for n in tree.body)
    if not imported:
        anchor = next((n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "pydantic"), None)
        if anchor is None:
            anchor = next((n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))), None)
        at = offsets[anchor.end_lineno] if anchor is not None else 0
        edits.append({"path": rel, "range": [at, at], "text": "from pydantic import ConfigDict\n"})
    return edits, count


def main():
    request = json.load(sys.stdin)
    if request.get("protocol") != 1:
        print(json.dumps({"error": "this plugin speaks protocol 1"}))
        return
    root = request["repo"]
    edits, models, files = [], 0, 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                raw = handle.read()
            if b"class Config" not in raw or b"pydantic" not in raw:
                continue
            try:
                found, count = rewrite(raw, os.path.relpath(path, root))
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
            if found:
                edits += found
                models += count
                files += 1
    if not edits:
        print(json.dumps({"error": "no pydantic model has a class-based Config made only of plain settings"}))
        return
    print(json.dumps({
        "edits": edits,
        "notes": ["Replace class-based Config with model_config = ConfigDict(...) in %d model%s (%d file%s)"
                  % (models, "" if models == 1 else "s", files, "" if files == 1 else "s"),
                  "Settings renamed in Pydantic v2 are renamed (orm_mode -> from_attributes, ...)."],
    }))


if __name__ == "__main__":
    main()
