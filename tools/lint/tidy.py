#!/usr/bin/env python3
"""clang-tidy over the project's C++ translation units (./marketplace lint).

The compile commands come from the asan build's compile_commands.json, rewritten for clang: without GCC's
precompiled header, sanitizer and GCC-only flags, and with Boost 1.74 Asio's coroutine support switched on
(its detection only knows clang with <experimental/coroutine>).

A full run parses every translation unit with Boost (about 15 s each on one core). So that the test suite
need not repeat it, tools/lint/tidy-clean.txt records, for each translation unit found clean, a key: the
hash of clang-tidy's version, .clang-tidy, the compile command, the file and every project header it
includes (transitively). `--changed` (what ./marketplace test runs) checks only the units whose key is not
recorded; `--all` checks every unit; `--update` writes the record of the units found clean.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIDY = os.environ.get("MP_CLANG_TIDY", "clang-tidy-16")
RECORD = os.path.join(ROOT, "tools", "lint", "tidy-clean.txt")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
DROP_FLAGS = ("-Winvalid-pch", "-Wno-mismatched-new-delete", "-fno-sanitize-recover")
ADD_FLAGS = ["-Wno-unknown-warning-option", "-DBOOST_ASIO_HAS_CO_AWAIT=1", "-DBOOST_ASIO_HAS_STD_COROUTINE=1"]


def rewrite(command):
    args, out, i = shlex.split(command), [], 0
    while i < len(args):
        a = args[i]
        if a == "-include" and "cmake_pch" in args[i + 1]:
            i += 2
            continue
        if a.startswith("-fsanitize") or a.startswith(DROP_FLAGS):
            i += 1
            continue
        out.append(a)
        i += 1
    return out[:1] + ADD_FLAGS + out[1:]


def project_headers(path, seen):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return
    for name in INCLUDE.findall(text):
        full = os.path.join(ROOT, name)
        if full not in seen and os.path.isfile(full):
            seen.add(full)
            project_headers(full, seen)


def key(unit, version, config):
    h = hashlib.sha256()
    h.update(version.encode())
    h.update(config)
    h.update(" ".join(unit["arguments"]).replace(ROOT, "").encode())
    files = {unit["file"]}
    project_headers(unit["file"], files)
    for f in sorted(files):
        h.update(os.path.relpath(f, ROOT).encode())
        h.update(open(f, "rb").read())
    return os.path.relpath(unit["file"], ROOT) + " " + h.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build", "asan"))
    parser.add_argument("--all", action="store_true", help="check every unit, recorded or not")
    parser.add_argument("--update", action="store_true", help="record the units found clean")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 2)
    parser.add_argument("files", nargs="*", help="only these sources")
    opts = parser.parse_args()

    database = json.load(open(os.path.join(opts.build, "compile_commands.json")))
    units = []
    in_tree = set()  # every unit of the tree, checked now or not: the record keeps theirs
    for entry in database:
        path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
        rel = os.path.relpath(path, ROOT)
        if rel.startswith(("build", "var", "..")) or not rel.endswith(".cpp"):
            continue  # generated sources (embedded migrations) and anything outside the tree
        in_tree.add(rel)
        if opts.files and rel not in opts.files:
            continue
        units.append({"directory": entry["directory"], "file": path, "arguments": rewrite(entry["command"])})
    # One compile database per run: two runs at once must not read each other's.
    lint_dir = os.path.join(ROOT, "var", "lint", str(os.getpid()))
    os.makedirs(lint_dir, exist_ok=True)
    with open(os.path.join(lint_dir, "compile_commands.json"), "w") as f:
        json.dump(units, f)

    version = subprocess.run([TIDY, "--version"], capture_output=True, text=True, check=True).stdout
    config = open(os.path.join(ROOT, ".clang-tidy"), "rb").read()
    recorded = set()
    if os.path.exists(RECORD):
        recorded = {line.strip() for line in open(RECORD) if line.strip() and not line.startswith("#")}
    keys = {u["file"]: key(u, version, config) for u in units}
    todo = [u for u in units if opts.all or keys[u["file"]] not in recorded]
    print(f"clang-tidy: {len(todo)} of {len(units)} translation units to check "
          f"({len(units) - len(todo)} unchanged since found clean)", flush=True)

    def run(unit):
        cmd = [TIDY, "-p", lint_dir, "--quiet", unit["file"]]
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        return unit, r.returncode, r.stdout + r.stderr

    clean, failed = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.j)) as pool:
        for n, (unit, rc, output) in enumerate(pool.map(run, todo), 1):
            rel = os.path.relpath(unit["file"], ROOT)
            findings = [l for l in output.splitlines() if re.search(r": (warning|error): ", l)]
            print(f"[{n}/{len(todo)}] {rel}: {'clean' if rc == 0 and not findings else 'findings'}", flush=True)
            if rc == 0 and not findings:
                clean.append(unit)
            else:
                failed.append(rel)
                print(f"--- {rel}\n" + "\n".join(l for l in output.splitlines()
                                                if "warnings generated" not in l and "Suppressed" not in l
                                                and "Use -header-filter" not in l), flush=True)

    if opts.update:
        # units no longer in the tree drop out; those not named on the command line keep their entries
        kept = {k for k in recorded if k.split(" ")[0] in in_tree}
        # a unit checked now replaces whatever was recorded for its file
        checked = {os.path.relpath(u["file"], ROOT) for u in todo}
        kept = {k for k in kept if k.split(" ")[0] not in checked}
        kept |= {keys[u["file"]] for u in clean}
        with open(RECORD, "w") as f:
            f.write("# Translation units clang-tidy found clean: path and key (tools/lint/tidy.py --update).\n")
            f.write("".join(k + "\n" for k in sorted(kept)))
    shutil.rmtree(lint_dir, ignore_errors=True)
    print(f"clang-tidy: {len(failed)} of {len(todo)} checked units with findings", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
