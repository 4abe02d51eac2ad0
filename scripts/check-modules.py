#!/usr/bin/env python3
"""Checks that src/ keeps the module DAG declared in docs/development.md.

The declared edges are the fenced ```module-edges block of docs/development.md: one line per
module, `name: the modules it may use directly`. This script fails (exit 1, one line per
problem) when
  - the declared edges name an unknown module, or form a cycle;
  - a folder of src/ is not declared;
  - an `#include "module/..."` in src/<module>/ names a module that module may not use;
  - a CMakeLists.txt of src/<module>/ links a sluice library that module may not use;
  - a module's README.md has no `May use:` line, or one that lists other modules;
  - a source file under src/ is longer than the line limit.
Usage: scripts/check-modules.py [--root DIR] [--max-lines N]  (run by ctest: ModuleDag.*)
       scripts/check-modules.py --layers   prints the DAG in layers, for docs/development.md
"""

import argparse
import os
import re
import sys

DECLARED_IN = "docs/development.md"
SOURCE_EXTENSIONS = (".h", ".hpp", ".cpp", ".cc", ".c", ".inc")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"/]+)/')
CMAKE_CALL = re.compile(r"\b(target_link_libraries|sluice_module)\s*\(")
FOREACH = re.compile(r"^\s*foreach\s*\(\s*(\w+)\s+([^)]*)\)", re.IGNORECASE)
SLUICE_LIBRARY = re.compile(r"\bsluice_([A-Za-z0-9_]*(?:\$\{\w+\})?)")


class Edges:
    """The declared modules, each with the modules it may use and the line declaring it."""

    def __init__(self):
        self.uses = {}
        self.line = {}

    def allowed(self, module):
        names = sorted(self.uses.get(module, ()))
        return ", ".join(names) if names else "none"


def read_edges(root, problems):
    path = os.path.join(root, DECLARED_IN)
    edges = Edges()
    inside = False
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            stripped = text.strip()
            if stripped.startswith("```"):
                if inside:
                    break
                inside = stripped[3:].strip() == "module-edges"
                continue
            if not inside or not stripped or stripped.startswith("#"):
                continue
            name, colon, rest = stripped.partition(":")
            name = name.strip()
            where = f"{DECLARED_IN}:{number}"
            if not colon or not re.fullmatch(r"[a-z_]+", name):
                problems.append(f"{where}: '{stripped}' is not 'module: modules it may use'")
            elif name in edges.uses:
                problems.append(f"{where}: module {name} is declared twice (first at {edges.line[name]})")
            else:
                edges.uses[name] = set(rest.replace(",", " ").split())
                edges.line[name] = where
    if not edges.uses:
        problems.append(f"{DECLARED_IN}: no ```module-edges block declaring the modules")
    for name, uses in edges.uses.items():
        for used in sorted(uses - edges.uses.keys()):
            problems.append(f"{edges.line[name]}: module {name} may use '{used}', which is not a declared module")
    return edges


def find_cycle(edges):
    """A list of modules forming a cycle in the declared edges, or None."""
    state = {}  # 1 on the current path, 2 finished

    def visit(module, path):
        state[module] = 1
        path.append(module)
        for used in sorted(edges.uses.get(module, ())):
            if used == module or state.get(used) == 1:
                return path[path.index(used):] + [used]
            if used in edges.uses and state.get(used) is None:
                found = visit(used, path)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(edges.uses):
        if state.get(module) is None:
            found = visit(module, [])
            if found:
                return found
    return None


def layers(edges):
    """The DAG as text: one row per layer, top down; a module uses only modules of lower rows."""
    level = {}

    def depth(module):
        if module not in level:
            level[module] = 1 + max((depth(u) for u in edges.uses[module] if u != module), default=-1)
        return level[module]

    for module in edges.uses:
        depth(module)
    rows = []
    for n in range(max(level.values()), -1, -1):
        names = [m for m in edges.uses if level[m] == n]
        rows.append(f"{n:2}  " + "".join(f"{m:<11}" for m in names).rstrip())
    return "\n".join(rows)


def module_files(root, module, predicate):
    base = os.path.join(root, "src", module)
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        for name in sorted(files):
            if predicate(name):
                path = os.path.join(folder, name)
                yield path, os.path.relpath(path, root)


def check_includes(root, module, edges, problems):
    for path, rel in module_files(root, module, lambda n: n.endswith(SOURCE_EXTENSIONS)):
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, text in enumerate(f, 1):
                m = INCLUDE.match(text)
                if not m or m.group(1) == module or m.group(1) not in edges.uses:
                    continue
                if m.group(1) not in edges.uses[module]:
                    problems.append(
                        f'{rel}:{number}: #include "{text.split(chr(34))[1]}": module {module} may not use '
                        f"module {m.group(1)} (allowed: {edges.allowed(module)}; edges declared in "
                        f"{edges.line[module]})")


def library_module(name, edges):
    """The module a sluice_* library belongs to, or None for other targets."""
    if name.startswith("sink_"):
        return "sinks"
    if name == "cli_lib":
        return "cli"
    return name if name in edges.uses else None


def cmake_links(text):
    """(line number, library name) for every sluice_* library a CMake file links, foreach expanded."""
    lines = text.split("\n")
    loops = []  # (variable, items) of the enclosing foreach() blocks
    call_depth = 0
    skip_target = False
    after_deps = True
    for number, line in enumerate(lines, 1):
        code = line.split("#", 1)[0]
        loop = FOREACH.match(code)
        if loop:
            loops.append((loop.group(1), loop.group(2).split(), number))
            continue
        if re.match(r"^\s*endforeach\b", code, re.IGNORECASE) and loops:
            loops.pop()
            continue
        position = 0
        if call_depth == 0:
            call = CMAKE_CALL.search(code)
            if not call:
                continue
            call_depth = 1
            skip_target = call.group(1) == "target_link_libraries"
            after_deps = skip_target
            position = call.end()
        for token in re.findall(r"\(|\)|[^\s()]+", code[position:]):
            if token == "(":
                call_depth += 1
            elif token == ")":
                call_depth -= 1
                if call_depth == 0:
                    break
            elif skip_target:
                skip_target = False  # the target being linked, not a dependency
            elif token == "DEPS":
                after_deps = True
            elif after_deps:
                for m in SLUICE_LIBRARY.finditer(token):
                    yield from expand(m.group(1), number, loops)


def expand(name, number, loops):
    """(line, name) for a library name; one per item of the foreach() it takes its variable from,
    with that foreach's line, where the item is written."""
    var = re.search(r"\$\{(\w+)\}", name)
    if not var:
        return [(number, name)]
    for variable, items, line in reversed(loops):
        if variable == var.group(1):
            return [(line, name.replace(var.group(0), item)) for item in items]
    return [(number, name.replace(var.group(0), ""))]


def check_cmake(root, module, edges, problems):
    for path, rel in module_files(root, module, lambda n: n == "CMakeLists.txt"):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for number, name in cmake_links(text):
            used = library_module(name, edges)
            if used is None or used == module or used in edges.uses[module]:
                continue
            problems.append(
                f"{rel}:{number}: links sluice_{name}: module {module} may not use module {used} "
                f"(allowed: {edges.allowed(module)}); remove it from this line, or declare the edge in "
                f"{edges.line[module]}")


def check_readme(root, module, edges, problems):
    rel = f"src/{module}/README.md"
    path = os.path.join(root, rel)
    if not os.path.exists(path):
        problems.append(f"{rel}: missing (say what module {module} owns and what it may use)")
        return
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            if not text.startswith("May use:"):
                continue
            said = {w for w in re.findall(r"[a-z_]+", text[len("May use:"):]) if w in edges.uses}
            if said != edges.uses[module]:
                problems.append(
                    f"{rel}:{number}: 'May use:' says {', '.join(sorted(said)) or 'none'}, the declared edges "
                    f"({edges.line[module]}) say {edges.allowed(module)}")
            return
    problems.append(f"{rel}: no 'May use:' line (declared in {edges.line[module]}: {edges.allowed(module)})")


def check_sizes(root, max_lines, problems):
    for folder, dirs, files in os.walk(os.path.join(root, "src")):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(SOURCE_EXTENSIONS):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                count = sum(1 for _ in f)
            if count > max_lines:
                problems.append(
                    f"{os.path.relpath(path, root)}: {count} lines, over the limit of {max_lines} (split it)")


def main():
    parser = argparse.ArgumentParser(description="Checks src/ against the module DAG of " + DECLARED_IN)
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--max-lines", type=int, default=600)
    parser.add_argument("--layers", action="store_true", help="print the DAG in layers and exit")
    args = parser.parse_args()

    problems = []
    edges = read_edges(args.root, problems)
    cycle = find_cycle(edges)
    if args.layers and not cycle and not problems:
        print(layers(edges))
        return 0
    if cycle:
        problems.append(f"{DECLARED_IN}: the declared edges form a cycle: {' -> '.join(cycle)} "
                        f"({', '.join(edges.line[m] for m in cycle[:-1])})")
    folders = sorted(d for d in os.listdir(os.path.join(args.root, "src"))
                     if os.path.isdir(os.path.join(args.root, "src", d)))
    for module in folders:
        if module not in edges.uses:
            problems.append(f"src/{module}: not a declared module (add a line to the module-edges block of "
                            f"{DECLARED_IN})")
            continue
        check_includes(args.root, module, edges, problems)
        check_cmake(args.root, module, edges, problems)
        check_readme(args.root, module, edges, problems)
    check_sizes(args.root, args.max_lines, problems)

    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"check-modules: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check-modules: {len(folders)} modules follow the edges of {DECLARED_IN}; no file over "
          f"{args.max_lines} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
