"""A single classic script from the page's ES modules, for pages opened from a file.

Chromium loads no ES module over ``file://``, and a page embedded in a report has no server
to load them from, so :func:`bundle` turns the modules into one classic script: each module
becomes a function scope that returns its exports, and each ``import {a, b as c} from
"./m.js";`` becomes ``const { a, b: c } = __m;``. Only that import form and ``export`` in
front of ``function``, ``const``, ``let`` or ``class`` are allowed; anything else is refused,
so the modules stay plain and the bundle stays faithful.
"""

from __future__ import annotations

import re
from pathlib import Path

_IMPORT = re.compile(r'^import \{([^}]*)\} from "\./([\w-]+)\.js";[ \t]*$', re.M)
_EXPORT = re.compile(r"^export (?=(?:async )?function\*? |const |let |class )", re.M)
_EXPORT_NAME = re.compile(r"^export (?:async )?(?:function\*?|const|let|class) (\w+)", re.M)
_LEFTOVER = re.compile(r"^\s*(?:import\b|export\b)", re.M)


def _binding(item: str) -> str:
    """``"a as b"`` -> ``"a: b"``; ``"a"`` stays."""
    parts = item.split()
    return parts[0] if len(parts) == 1 else f"{parts[0]}: {parts[2]}"


def _module_body(name: str, source: str) -> tuple[str, list[str]]:
    """The module as a scope that returns its exports, and the modules it imports."""
    deps = [m.group(2) for m in _IMPORT.finditer(source)]
    exports = _EXPORT_NAME.findall(source)

    def as_const(m: re.Match) -> str:
        names = [_binding(i) for i in m.group(1).replace("\n", " ").split(",") if i.strip()]
        return f"const {{ {', '.join(names)} }} = __{m.group(2)};"

    body = _EXPORT.sub("", _IMPORT.sub(as_const, source))
    if _LEFTOVER.search(body):
        raise ValueError(f"module {name}.js uses an import/export form the bundler does not know")
    scope = f"const __{name} = (() => {{\n{body}\nreturn {{ {', '.join(exports)} }};\n}})();\n"
    return scope, deps


def bundle(directory: str | Path, entry: str = "main") -> str:
    """The modules reachable from ``<directory>/<entry>.js`` as one classic script.

    Modules come in dependency order (each after the ones it imports); a cycle is refused.
    """
    directory = Path(directory)
    done: dict[str, str] = {}
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise ValueError(f"module {name}.js is part of an import cycle")
        visiting.add(name)
        scope, deps = _module_body(name, (directory / f"{name}.js").read_text(encoding="utf-8"))
        for dep in deps:
            visit(dep)
        done[name] = scope

    visit(entry)
    script = '(() => {\n"use strict";\n' + "".join(done.values()) + "})();\n"
    if "</script" in script.lower():
        raise ValueError("a module contains '</script', which would end the inline script")
    return script
