#!/usr/bin/env python3
"""
Moves TypeScript modules with `git mv` and rewrites every relative import of them (and the moved
files' own relative imports) across src/, test/, bench/, scripts/ and bin/. Usage:
  python3 scripts/boundaries/move-files.py old/path.ts=new/path.ts ...
Used for the concept-folder moves of issue 11.6 (docs/ARCHITECTURE.md); replayable on later code.
"""
import os, re, subprocess, sys

moves = dict(arg.split('=', 1) for arg in sys.argv[1:])
roots = ['src', 'test', 'bench', 'scripts', 'bin']
spec = re.compile(r"""((?:from|import)\s*\(?\s*['"])(\.{1,2}/[^'"]+)(['"])""")

def files():
    for r in roots:
        for d, _, fs in os.walk(r):
            for f in fs:
                if f.endswith(('.ts', '.tsx', '.mts', '.mjs')):
                    yield os.path.join(d, f)

old_to_new = {os.path.normpath(o): os.path.normpath(n) for o, n in moves.items()}
sources = list(files())
# Read every file under its old name, compute its new name.
contents = {p: open(p, encoding='utf-8').read() for p in sources}
for old, new in old_to_new.items():
    os.makedirs(os.path.dirname(new), exist_ok=True)
    subprocess.run(['git', 'mv', old, new], check=True)

for path, text in contents.items():
    here_old = os.path.normpath(path)
    here_new = old_to_new.get(here_old, here_old)
    def fix(m):
        target = os.path.normpath(os.path.join(os.path.dirname(here_old), m.group(2)))
        target = old_to_new.get(target, target)
        rel = os.path.relpath(target, os.path.dirname(here_new))
        if not rel.startswith('.'):
            rel = './' + rel
        return m.group(1) + rel + m.group(3)
    new_text = spec.sub(fix, text)
    if new_text != text or here_new != here_old:
        open(here_new, 'w', encoding='utf-8').write(new_text)
