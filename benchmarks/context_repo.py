"""A synthetic but realistic repository for the context benchmark: mixed languages, cross references.

Files define functions, classes and constants; each calls a handful of definitions from other
files, picked with a Zipf-like skew so that some helpers are popular and most are not.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

WORDS = [
    "user",
    "order",
    "cart",
    "price",
    "token",
    "session",
    "cache",
    "index",
    "parser",
    "render",
    "buffer",
    "stream",
    "socket",
    "config",
    "theme",
    "meter",
    "event",
    "queue",
    "worker",
    "layout",
    "widget",
    "frame",
    "batch",
    "chunk",
    "patch",
    "commit",
    "branch",
    "schema",
    "record",
    "report",
    "invoice",
    "ledger",
    "account",
    "policy",
    "route",
    "handler",
    "client",
    "server",
    "proxy",
]

LANGUAGES = (  # (extension, share)
    (".py", 0.40),
    (".ts", 0.18),
    (".go", 0.14),
    (".rs", 0.10),
    (".java", 0.10),
    (".c", 0.05),
    (".rb", 0.03),
)


def _name(rng: random.Random, i: int) -> str:
    return f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{i}"


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _comment(rng: random.Random, lead: str) -> list[str]:
    """A few lines of prose, as real functions carry."""
    return [
        lead + " ".join(rng.choices(WORDS, k=rng.randint(6, 12))) for _ in range(rng.randint(1, 4))
    ]


def _python(funcs: list[str], cls: str, calls: list[str], rng: random.Random) -> str:
    out = [
        f'"""Module with {len(funcs)} functions."""',
        "",
        "import os",
        "",
        f"LIMIT = {rng.randint(1, 99)}",
        "",
    ]
    for f in funcs:
        body = [*_comment(rng, "    # "), f"    total = {rng.randint(0, 9)}"]
        for c in rng.sample(calls, min(3, len(calls))):
            body.append(f"    total += {c}(value, total)")
        body += ["    if total > LIMIT:", "        return total - LIMIT", "    return total"]
        out += [
            "",
            f"def {f}(value: int, scale: float = 1.0) -> int:",
            f'    """Compute {f}."""',
            *body,
            "",
        ]
    out += ["", f"class {cls}:", f'    """The {cls} service."""', ""]
    for f in funcs[:3]:
        out += [
            f"    def {f}_method(self, item: dict) -> int:",
            f"        return {f}(len(item))",
            "",
        ]
    return "\n".join(out) + "\n"


def _typescript(funcs: list[str], cls: str, calls: list[str], rng: random.Random) -> str:
    out = [f"export interface {cls}Options {{ size: number; name: string }}", ""]
    for f in funcs:
        body = [*_comment(rng, "  // "), f"  let total = {rng.randint(0, 9)};"]
        body += [f"  total += {c}(value, total);" for c in rng.sample(calls, min(3, len(calls)))]
        out += [
            f"export function {f}(value: number, opts?: {cls}Options): number {{",
            *body,
            "  return total;",
            "}",
            "",
        ]
    out += [f"export class {cls} {{", "  private count = 0;"]
    for f in funcs[:3]:
        out += [f"  {f}Method(item: {cls}Options): number {{", f"    return {f}(item.size);", "  }"]
    out += ["}", ""]
    return "\n".join(out)


def _go(funcs: list[str], cls: str, calls: list[str], rng: random.Random) -> str:
    out = ["package pkg", "", f"type {cls} struct {{", "\tName string", "\tSize int", "}", ""]
    for f in funcs:
        g = _camel(f)
        body = [*_comment(rng, "\t// "), f"\ttotal := {rng.randint(0, 9)}"]
        body += [
            f"\ttotal += {_camel(c)}(value, total)" for c in rng.sample(calls, min(3, len(calls)))
        ]
        out += [f"func {g}(value int, extra int) int {{", *body, "\treturn total", "}", ""]
    out += [f"func (s *{cls}) Run() int {{", f"\treturn {_camel(funcs[0])}(s.Size, 0)", "}", ""]
    return "\n".join(out)


def _rust(funcs: list[str], cls: str, calls: list[str], rng: random.Random) -> str:
    out = [f"pub struct {cls} {{", "    pub size: usize,", "}", ""]
    for f in funcs:
        body = [*_comment(rng, "    // "), f"    let mut total = {rng.randint(0, 9)};"]
        body += [f"    total += {c}(value, total);" for c in rng.sample(calls, min(3, len(calls)))]
        out += [f"pub fn {f}(value: usize, extra: usize) -> usize {{", *body, "    total", "}", ""]
    out += [
        f"impl {cls} {{",
        "    pub fn run(&self) -> usize {",
        f"        {funcs[0]}(self.size, 0)",
        "    }",
        "}",
        "",
    ]
    return "\n".join(out)


def _java(funcs: list[str], cls: str, calls: list[str], rng: random.Random) -> str:
    out = [
        f"public class {cls} {{",
        f"    public static final int LIMIT = {rng.randint(1, 99)};",
        "",
    ]
    for f in funcs:
        m = _camel(f)
        m = m[0].lower() + m[1:]
        body = [*_comment(rng, "        // "), f"        int total = {rng.randint(0, 9)};"]
        for c in rng.sample(calls, min(3, len(calls))):
            cm = _camel(c)
            body.append(f"        total += Lib.{cm[0].lower() + cm[1:]}(value, total);")
        out += [
            f"    public static int {m}(int value, int extra) {{",
            *body,
            "        return total;",
            "    }",
            "",
        ]
    out += ["}", ""]
    return "\n".join(out)


def _c(funcs: list[str], cls: str, calls: list[str], rng: random.Random) -> str:
    out = ["#include <stdlib.h>", "", f"typedef struct {{ int size; }} {cls.lower()}_t;", ""]
    for f in funcs:
        body = [*_comment(rng, "    // "), f"    int total = {rng.randint(0, 9)};"]
        body += [f"    total += {c}(value, total);" for c in rng.sample(calls, min(3, len(calls)))]
        out += [f"int {f}(int value, int extra) {{", *body, "    return total;", "}", ""]
    return "\n".join(out)


def _ruby(funcs: list[str], cls: str, calls: list[str], rng: random.Random) -> str:
    out = [f"class {cls}"]
    for f in funcs:
        body = [*_comment(rng, "    # "), f"    total = {rng.randint(0, 9)}"]
        body += [f"    total += {c}(value, total)" for c in rng.sample(calls, min(3, len(calls)))]
        out += [f"  def {f}(value, extra)", *body, "    total", "  end", ""]
    out += ["end", ""]
    return "\n".join(out)


WRITERS = {
    ".py": _python,
    ".ts": _typescript,
    ".go": _go,
    ".rs": _rust,
    ".java": _java,
    ".c": _c,
    ".rb": _ruby,
}


def generate(root: Path, files: int, seed: int = 7, commit: bool = True) -> list[str]:
    """Write ``files`` source files under ``root`` (a new git repository); returns their paths."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    exts = [e for e, _ in LANGUAGES]
    weights = [w for _, w in LANGUAGES]
    plan = []
    all_funcs: list[str] = []
    for i in range(files):
        ext = rng.choices(exts, weights)[0]
        funcs = [_name(rng, i * 100 + k) for k in range(rng.randint(6, 14))]
        plan.append((i, ext, funcs))
        all_funcs.extend(funcs)
    # Zipf-like popularity: early functions are called far more often.
    popularity = [1.0 / (k + 1) ** 0.8 for k in range(len(all_funcs))]
    paths = []
    for i, ext, funcs in plan:
        calls = rng.choices(all_funcs, popularity, k=12)
        package = f"pkg{i % 40:02d}/sub{i % 7}"
        path = f"{package}/{rng.choice(WORDS)}_{i}{ext}"
        cls = _camel(rng.choice(WORDS)) + f"Service{i}"
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(WRITERS[ext](funcs, cls, calls, rng))
        paths.append(path)
    (root / ".gitignore").write_text("build/\n")
    if commit:
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
        subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "-c",
                "user.name=bench",
                "-c",
                "user.email=bench@example.com",
                "commit",
                "-q",
                "-m",
                "synthetic",
            ],
            check=True,
        )
    return paths
