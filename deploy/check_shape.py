#!/usr/bin/env python3
"""Checks that the C++ sources keep their shape (docs/architecture.md, "Limits").

  deploy/check_shape.py [--list] [root]

Fails (exit 1) when a source file is over 500 lines or a function body is over 80 lines.
Tests are exempt: files ending in _test.cc and everything under tests/. A header's comment
lines do not count towards its length: contracts are written there on purpose.

Known excesses wait in deploy/shape-baseline.txt ("path N" or "path:function N", N the size
they may not pass): a ratchet while the code is being split, so that nothing new goes over
and nothing listed grows. An entry no longer needed is reported, to be removed.

A function's length runs from the first line of its signature to its closing brace. Lambdas and
local classes count towards the function that holds them. --list prints every function over
60 lines too, longest first, as a warning of what comes next.
"""

import pathlib
import re
import subprocess
import sys

MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80
WARN_FUNCTION_LINES = 60
SOURCE_DIRS = ("attribution", "storage", "tracker", "bench")
CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|try)\b\s*(\(|$)")
TYPE_SCOPE = re.compile(r"\b(class|struct|union|enum)\b")


def is_exempt(path):
    return path.name.endswith("_test.cc") or path.parts[0] == "tests"


def strip_comments_and_strings(text):
    """Blanks out comments, string and character literals, keeping every newline."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


ACCESS_LABEL = re.compile(r".*\b(public|private|protected)\s*:(?!:)", re.DOTALL)
BODY_FOLLOWS = re.compile(
    r"(\)|\bconst|\boverride|\bfinal|\bnoexcept|\bmutable|->\s*[\w:<>, ]+|\brequires.*)\s*$",
    re.DOTALL)


def functions(text):
    """Yields (name, first_line, last_line) of each function body at namespace or class scope."""
    code = strip_comments_and_strings(text)
    opened = []  # (kind, name, first_line) per open brace
    header_start = 0  # where the text before the next '{' begins
    line = 1
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == ";":
            header_start = i + 1
        elif c == "}" and opened:
            kind, name, first = opened.pop()
            if kind == "function":
                yield name, first, line
            if kind != "member-init":  # a constructor's init list goes on to its body
                header_start = i + 1
        elif c == "{":
            header = ACCESS_LABEL.sub("", code[header_start:i])
            kind = "block"
            if all(k in ("namespace", "type") for k, _, _ in opened):
                if re.search(r"\bnamespace\b|\bextern\s*\"\"", header):
                    kind = "namespace"
                elif "(" in header and CONTROL.search(header.strip()) is None:
                    if BODY_FOLLOWS.search(header.strip()):
                        kind = "function"
                    elif re.search(r"\)\s*:", header):
                        kind = "member-init"  # Foo() : member_{…}
                elif TYPE_SCOPE.search(header):
                    kind = "type"
            name = ""
            if kind == "function":
                m = re.search(r"([~\w:]+(?:<[^()]*>)?)\s*\(", header)
                name = m.group(1) if m else "?"
            first = line - header.lstrip().count("\n")  # the signature's first line
            opened.append((kind, name, first))
            if kind != "member-init":
                header_start = i + 1


def counted_lines(path, text):
    if path.suffix != ".h":
        return text.count("\n")
    return sum(1 for l in text.splitlines() if l.strip() and not l.strip().startswith("//"))


def read_baseline(path):
    baseline = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#")[0].strip()
            if line:
                key, size = line.rsplit(maxsplit=1)
                baseline[key] = int(size)
    return baseline


def main(argv):
    listing = "--list" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = pathlib.Path(args[0] if args else ".").resolve()
    files = subprocess.run(["git", "ls-files", "--", *[f"{d}/*.cc" for d in SOURCE_DIRS],
                            *[f"{d}/*.h" for d in SOURCE_DIRS]],
                           cwd=root, capture_output=True, text=True, check=True).stdout.split()
    baseline = read_baseline(root / "deploy" / "shape-baseline.txt")
    problems, warnings, used = [], [], set()

    def over(key, size, limit, where):
        if size <= limit:
            return
        if key in baseline and size <= baseline[key]:
            used.add(key)
            warnings.append((size, f"{where} (in the baseline)"))
        else:
            problems.append(f"{where} (at most {limit})")

    for name in sorted(files):
        path = pathlib.Path(name)
        if is_exempt(path):
            continue
        text = (root / path).read_text(encoding="utf-8")
        over(name, counted_lines(path, text), MAX_FILE_LINES,
             f"{name}: {counted_lines(path, text)} lines")
        for function, first, last in functions(text):
            size = last - first + 1
            where = f"{name}:{first}: {function}: {size} lines"
            over(f"{name}:{function}", size, MAX_FUNCTION_LINES, where)
            if WARN_FUNCTION_LINES < size <= MAX_FUNCTION_LINES:
                warnings.append((size, where))
    for key in sorted(set(baseline) - used):
        problems.append(f"{key} is within the limits now: remove it from deploy/shape-baseline.txt")
    if listing:
        for _, where in sorted(warnings, reverse=True):
            print(f"check_shape: note: {where}")
    for problem in problems:
        print(f"check_shape: {problem}", file=sys.stderr)
    print(f"check_shape: {len(files)} files, {len(problems)} problems, "
          f"{len(used)} excesses left in the baseline")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
