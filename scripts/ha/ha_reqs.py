"""List the PyPI requirements of the Home Assistant integrations the test instance loads.

Run with the venv's interpreter after `pip install --no-deps homeassistant==X`:

    python scripts/ha/ha_reqs.py demo conversation intent ...        # requirements, one a line
    python scripts/ha/ha_reqs.py --integrations demo conversation ... # the resolved integration set
    python scripts/ha/ha_reqs.py --check demo conversation ...       # exit 1 if one is not installed
    python scripts/ha/ha_reqs.py --constraints                       # path of package_constraints.txt

It never imports `homeassistant` itself (only locates it), so it works before Home Assistant's own
dependencies are installed. The root set is the integrations given on the command line, plus what
`bootstrap.py` always sets up (CORE_INTEGRATIONS, DEFAULT_INTEGRATIONS), plus, when `demo` is given,
every platform the demo sets up (COMPONENTS_WITH_*_DEMO_PLATFORM in demo/__init__.py). That set is
closed over the manifests' `dependencies`. `after_dependencies` only order the setup and are not
followed (the instance runs with --skip-pip, so only what really loads has to be importable).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import pathlib
import sys


def ha_package_dir() -> pathlib.Path:
    spec = importlib.util.find_spec("homeassistant")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("ha_reqs.py: the homeassistant package is not installed in this interpreter")
    return pathlib.Path(list(spec.submodule_search_locations)[0])


def module_constants(path: pathlib.Path, names: set[str]) -> dict[str, ast.expr]:
    """Top-level `NAME = <expr>` assignments of a module, without importing it."""
    found: dict[str, ast.expr] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id in names and value is not None:
                found[target.id] = value
    return found


def base_platforms(ha_dir: pathlib.Path) -> set[str]:
    """The values of the Platform enum (BASE_PLATFORMS): const.py's `class Platform`, or from 2025 on
    `class EntityPlatforms` in generated/entity_platforms.py."""
    for path, name in ((ha_dir / "const.py", "Platform"), (ha_dir / "generated" / "entity_platforms.py", "EntityPlatforms")):
        if not path.exists():
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return {
                    stmt.value.value
                    for stmt in node.body
                    if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
                }
    raise SystemExit("ha_reqs.py: the Platform enum was not found")


def string_set(node: ast.expr, ha_dir: pathlib.Path) -> set[str]:
    """A set of strings: a literal (2024.3), or with `*(BASE_PLATFORMS - {...})` (2026.x)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        out: set[str] = set()
        for elt in node.elts:
            out |= string_set(elt.value if isinstance(elt, ast.Starred) else elt, ha_dir)
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Sub, ast.BitOr)):
        left, right = string_set(node.left, ha_dir), string_set(node.right, ha_dir)
        return left - right if isinstance(node.op, ast.Sub) else left | right
    if isinstance(node, ast.Name) and node.id == "BASE_PLATFORMS":
        return base_platforms(ha_dir)
    raise SystemExit(f"ha_reqs.py: cannot read {ast.dump(node)[:120]} in bootstrap.py")


def platform_list(node: ast.expr) -> set[str]:
    """[Platform.LIGHT, ...] -> {"light", ...}"""
    out: set[str] = set()
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        raise SystemExit("ha_reqs.py: unexpected shape of the demo platform list")
    for elt in node.elts:
        if isinstance(elt, ast.Attribute):
            out.add(elt.attr.lower())
        elif isinstance(elt, ast.Constant) and isinstance(elt.value, str):
            out.add(elt.value)
        else:
            raise SystemExit("ha_reqs.py: unexpected entry in the demo platform list")
    return out


def resolve(ha_dir: pathlib.Path, roots: set[str]) -> tuple[list[str], list[str]]:
    comp = ha_dir / "components"
    todo = set(roots)
    boot = module_constants(ha_dir / "bootstrap.py", {"CORE_INTEGRATIONS", "DEFAULT_INTEGRATIONS"})
    for name in ("CORE_INTEGRATIONS", "DEFAULT_INTEGRATIONS"):
        if name not in boot:
            raise SystemExit(f"ha_reqs.py: {name} not found in bootstrap.py")
        todo |= string_set(boot[name], ha_dir)
    if "demo" in todo:
        demo = module_constants(
            comp / "demo" / "__init__.py",
            {"COMPONENTS_WITH_CONFIG_ENTRY_DEMO_PLATFORM", "COMPONENTS_WITH_DEMO_PLATFORM"},
        )
        for value in demo.values():
            todo |= platform_list(value)
        # demo's async_setup sets these up itself.
        todo |= {"sun", "input_select", "input_boolean", "input_button", "input_number", "script", "scene"}
    seen: set[str] = set()
    reqs: set[str] = set()
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest = comp / domain / "manifest.json"
        if not manifest.exists():
            raise SystemExit(f"ha_reqs.py: unknown integration {domain!r} (no {manifest})")
        man = json.loads(manifest.read_text(encoding="utf-8"))
        reqs.update(man.get("requirements", []))
        todo.update(man.get("dependencies", []))
    return sorted(seen), sorted(reqs, key=str.lower)


def main(argv: list[str]) -> int:
    mode = "requirements"
    args = []
    for a in argv:
        if a in ("--integrations", "--check", "--constraints"):
            mode = a[2:]
        else:
            args.append(a)
    ha_dir = ha_package_dir()
    if mode == "constraints":
        print(ha_dir / "package_constraints.txt")
        return 0
    integrations, reqs = resolve(ha_dir, set(args))
    if mode == "integrations":
        print("\n".join(integrations))
        return 0
    if mode == "check":
        # The same test Home Assistant applies when it checks requirements (without --skip-pip).
        from homeassistant.util.package import is_installed  # noqa: PLC0415

        missing = [r for r in reqs if not is_installed(r)]
        for r in missing:
            print(f"missing: {r}", file=sys.stderr)
        return 1 if missing else 0
    print("\n".join(reqs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
