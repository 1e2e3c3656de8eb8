#!/usr/bin/env python3
"""Module import graph of numbox/src: every `crate::`/`super::`/`self::` path (in `use` lines
and inline paths), test modules and comments excluded. Prints the edges between top-level
modules and between files, and every cycle (strongly connected component) at both levels.

Facade edges are left out of the file graph: a folder's `mod.rs` declaring (`mod x;`) or
re-exporting (`pub use x::...`) its own children is how Rust spells a folder, not an import."""
import os, re, sys
from collections import defaultdict

root = sys.argv[1] if len(sys.argv) > 1 else 'numbox/src'

def modpath(rel):
    parts = rel[:-3].split('/')
    if parts == ['lib']: return ('crate',)
    if parts == ['private']: return ('crate', '__private')
    if parts[-1] == 'mod': parts = parts[:-1]
    return ('crate',) + tuple(parts)

files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            rel = os.path.relpath(os.path.join(d, f), root)
            if rel.endswith('/tests.rs'):  # a folder's unit tests
                continue
            files[modpath(rel)] = rel
mods = set(files)

def strip(src):
    src = re.sub(r'#\[cfg\(test\)\]\s*(pub(\(crate\))?\s+)?mod tests \{.*', '', src, flags=re.S)
    src = re.sub(r'/\*.*?\*/', '', src, flags=re.S)
    return '\n'.join(l.split('//')[0] for l in src.split('\n'))

# Items re-exported at the crate root, to resolve `crate::Item`.
lib = strip(open(os.path.join(root, 'lib.rs')).read())
root_items = {}
for m in re.finditer(r'pub use (\w+)::(\{[^}]*\}|\w+);', lib):
    for it in re.findall(r'\w+', m.group(2)):
        if os.path.exists(os.path.join(root, m.group(1) + '.rs')) or os.path.isdir(os.path.join(root, m.group(1))):
            root_items[it] = ('crate', m.group(1))

def resolve(path):
    """The module a path lands in: the longest prefix that is a module file."""
    for k in range(len(path), 0, -1):
        if path[:k] in mods:
            if path[:k] == ('crate',) and len(path) > 1 and path[1] in root_items:
                return root_items[path[1]]
            return path[:k]
    return None

def expand_use(tree):
    """Flatten `a::{b, c::{d}}` into paths."""
    tree = tree.replace(' ', '').replace('\n', '')
    out = []
    def rec(prefix, t):
        if t.startswith('{'):
            depth, cur, items = 0, '', []
            for ch in t[1:-1]:
                if ch == ',' and depth == 0:
                    items.append(cur); cur = ''; continue
                depth += ch == '{'; depth -= ch == '}'; cur += ch
            items.append(cur)
            for it in items:
                if it: rec(prefix, it)
            return
        m = re.match(r'([\w]+)::(.*)', t)
        if m and not m.group(2).startswith('{') or (m and m.group(2).startswith('{')):
            rec(prefix + [m.group(1)], m.group(2)); return
        out.append(prefix + [re.sub(r'as\w+$', '', t)])
    rec([], tree)
    return out

def absolute(me, p):
    me = list(me)
    if p[0] == 'crate': return tuple(p)
    base = me if files[tuple(me)].endswith(('mod.rs', 'lib.rs')) else me[:-1]
    if p[0] == 'self':
        base = me; p = p[1:]
        return tuple(base + p)
    while p and p[0] == 'super':
        # `super` of a file module is its folder; of a folder (mod.rs) its parent.
        me = me[:-1]; p = p[1:]
    return tuple(me + p)

edges = defaultdict(set)
for me, rel in files.items():
    src = strip(open(os.path.join(root, rel)).read())
    facade = set()
    if rel.endswith(('mod.rs', 'lib.rs')) or rel == 'private.rs':
        facade = set(re.findall(r'^\s*(?:pub(?:\([\w]+\))?\s+)?mod (\w+);', src, re.M))
    paths = []
    for m in re.finditer(r'^([ \t]*)(pub(?:\([\w:]+\))?\s+)?use\s+([^;]+);', src, re.M):
        is_pub = bool(m.group(2))
        for p in expand_use(m.group(3)):
            # An indented `use` sits in an inline `mod x { .. }`, one level below the file.
            if m.group(1) and p[0] == 'super':
                p = ['self'] + p[1:]
            if p[0] in ('crate', 'super', 'self') or p[0] in facade:
                if p[0] in facade: p = ['self'] + p
                paths.append((is_pub, p))
    body = re.sub(r'^[ \t]*(pub(?:\([\w:]+\))?\s+)?use\s+([^;]+);', '', src, flags=re.M)
    for m in re.finditer(r'(?<![\w:])((?:crate|super)(?:::\w+)+)', body):
        paths.append((False, m.group(1).split('::')))
    for is_pub, p in paths:
        tgt = resolve(absolute(me, p))
        if tgt is None or tgt == me:
            continue
        # A folder declaring or re-exporting its own children: facade, not an import.
        if len(tgt) > len(me) and tgt[:len(me)] == me and (is_pub or rel == 'private.rs'):
            continue
        edges[me].add(tgt)

def sccs(nodes, adj):
    index, low, stack, on, out, i = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
        for w in adj.get(v, ()):
            if w not in index: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(comp)
    for v in nodes:
        if v not in index: visit(v)
    return out

name = lambda m: '::'.join(m[1:]) or 'crate'
# Top level: folders collapsed; the crate root and __private are facades over everything.
top = lambda m: m[:2]
tedges = defaultdict(set)
for a, bs in edges.items():
    for b in bs:
        if top(a) != top(b) and top(a) not in [('crate',), ('crate', '__private')]:
            tedges[top(a)].add(top(b))
print('== top-level modules (folders collapsed; lib.rs and __private are facades) ==')
for a in sorted(tedges):
    print(f'{name(a):14} -> {", ".join(sorted(name(b) for b in tedges[a]))}')
c = sccs(sorted(set(tedges) | {b for bs in tedges.values() for b in bs}), tedges)
print('cycles:', [sorted(map(name, x)) for x in c] or 'none')
print()
print('== files (facade edges of a folder to its own children left out) ==')
fedges = {a: bs for a, bs in edges.items() if a not in [('crate',), ('crate', '__private')]}
for a in sorted(fedges):
    print(f'{files[a]:28} -> {", ".join(sorted(name(b) for b in fedges[a]))}')
c = sccs(sorted(files), fedges)
print('cycles:', [sorted(map(name, x)) for x in c] or 'none')
