"""The dependency graph of a workbook's formulas: what each cell references, cycles, and what an error reaches.

Nodes are cells ``(sheet, row, column)``; defined names are resolved to the
cells they cover. A long run of one column referenced as a range (10,000
running totals ``SUM(I$5:I9000)``) goes through a few block nodes, so the
graph stays linear in the number of cells.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator

from openpyxl.utils import get_column_letter

from workbook.kit import formula_text as ft
from workbook.validate.context import position

BLOCK = "block"  # the first item of a block node of Graph (a cell is (sheet, row, column))
_BLOCK = 16  # cells a block holds at least; shorter runs are listed cell by cell


class Graph:
    """Formula cells and what they reference (cells in ranges, defined names resolved)."""

    def __init__(self, book, formulas: dict, required: dict):
        self.book = book
        self.formulas = formulas  # (sheet, row, col) -> text
        self.edges: dict[tuple, list] = {}
        index: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for sheet, row, col in formulas:
            index[sheet][col].append(row)
        self.input_nodes = set()
        for sheet, ref in required:
            if sheet in book.sheetnames:
                row, col = position(ref)
                index[sheet][col].append(row)
                self.input_nodes.add((sheet, row, col))
        for cols in index.values():
            for rows in cols.values():
                rows.sort()
        self.index = index
        names = {n.upper(): d.attr_text or "" for n, d in book.defined_names.items()}
        local = {
            ws.title: {n.upper(): d.attr_text or "" for n, d in getattr(ws, "defined_names", {}).items()}
            for ws in book.worksheets
        }
        sheets_upper = {s.upper(): s for s in book.sheetnames}
        inputs: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for sheet, row, col in self.input_nodes:
            inputs[sheet][col].append(row)
        for cols in inputs.values():
            for rows in cols.values():
                rows.sort()
        self.inputs_index = inputs
        self.users: dict[tuple, list] = defaultdict(list)
        for node, text in formulas.items():
            sheet = node[0]
            targets = []
            for ref in ft.references(text):
                for target_sheet, bounds in self.resolve(ref, sheet, names, local.get(sheet, {}), sheets_upper):
                    targets.extend(self.cells_in(target_sheet, bounds))
                    for t in self.cells_in(target_sheet, bounds, inputs):
                        self.users[t].append(node)
            self.edges[node] = [t for t in targets if t in formulas or len(t) == 5]

    def resolve(self, ref: ft.Ref, sheet: str, names: dict, local: dict, sheets_upper: dict, depth: int = 0):
        if ref.external:
            return []
        if ref.name is not None:
            text = local.get(ref.name) or names.get(ref.name)
            if text is None or depth > 5:
                return []
            out = []
            for inner in ft.references(text):
                out.extend(self.resolve(inner, sheet, names, local, sheets_upper, depth + 1))
            return out
        target = sheets_upper.get(ref.sheet.upper()) if ref.sheet else sheet
        if target is None:
            return []
        return [(target, ref.bounds)]

    def cells_in(self, sheet: str, bounds, index: dict | None = None) -> list[tuple]:
        """The cells of ``index`` (formulas and required inputs) in a range; a long run of one column is a few
        blocks (:meth:`_blocks`), so that 10,000 running totals (``SUM(I$5:I9000)``) are not 50 million edges."""
        c1, r1, c2, r2 = bounds
        out = []
        for col, rows in (self.index if index is None else index).get(sheet, {}).items():
            if c1 <= col <= c2:
                lo = bisect.bisect_left(rows, r1)
                hi = bisect.bisect_right(rows, r2)
                if index is None and hi - lo > _BLOCK:
                    out.extend(self._blocks(sheet, col, lo, hi))
                else:
                    out.extend((sheet, r, col) for r in rows[lo:hi])
        return out

    def _blocks(self, sheet: str, col: int, lo: int, hi: int) -> list[tuple]:
        """Positions ``lo:hi`` of a column's rows as aligned blocks (of a segment tree) and single cells. A block
        is a node ``(BLOCK, sheet, col, a, b)`` whose edges lead to its two halves, down to the cells."""
        out, i = [], lo
        while i < hi:
            size = _BLOCK
            while i % (size * 2) == 0 and i + size * 2 <= hi:
                size *= 2
            if i % _BLOCK == 0 and i + size <= hi:
                out.append(self._block(sheet, col, i, i + size))
                i += size
            else:
                out.append((sheet, self.index[sheet][col][i], col))
                i += 1
        return out

    def _block(self, sheet: str, col: int, a: int, b: int) -> tuple:
        node = (BLOCK, sheet, col, a, b)
        if node not in self.edges:
            if b - a > _BLOCK:
                mid = (a + b) // 2
                self.edges[node] = [self._block(sheet, col, a, mid), self._block(sheet, col, mid, b)]
            else:
                cells = ((sheet, r, col) for r in self.index[sheet][col][a:b])
                self.edges[node] = [t for t in cells if t in self.formulas]
        return node

    def precedents(self, node) -> Iterator[tuple]:
        """The cells ``node`` refers to, blocks opened."""
        for t in self.edges.get(node, ()):
            if len(t) == 5:
                yield from self.precedents(t)
            else:
                yield t

    def users_of(self, sheet: str, ref: str) -> list[str]:
        row, col = position(ref)
        return [f"{s}!{get_column_letter(c)}{r}" for s, r, c in sorted(self.users.get((sheet, row, col), []))]

    @property
    def reverse(self) -> dict:
        reverse = getattr(self, "_reverse", None)
        if reverse is None:
            reverse = defaultdict(list)
            for source, targets in self.edges.items():
                for t in targets:
                    reverse[t].append(source)
            self._reverse = reverse
        return reverse

    def downstream(self, node) -> set:
        """Every formula cell computed, directly or not, from the input or formula cell ``node`` (blocks opened)."""
        reverse = self.reverse
        stack = [*self.users.get(node, ()), *reverse.get(node, ())]
        seen, opened = set(), set()
        while stack:
            d = stack.pop()
            if len(d) == 5:  # a block: passed through
                if d not in opened:
                    opened.add(d)
                    stack.extend(reverse.get(d, ()))
            elif d not in seen:
                seen.add(d)
                stack.extend(reverse.get(d, ()))
        return seen

    def dependents(self, node, among: dict) -> set:
        reverse = self.reverse
        seen, opened, stack = set(), set(), [node]
        while stack:
            for d in reverse.get(stack.pop(), ()):
                if len(d) == 5:  # a block: passed through
                    if d not in opened:
                        opened.add(d)
                        stack.append(d)
                elif d in among and d not in seen:
                    seen.add(d)
                    stack.append(d)
        return seen

    def cycles(self) -> list[list[tuple]]:
        """Strongly connected components with a cycle (Tarjan, iterative), each sorted."""
        index_of: dict = {}
        low: dict = {}
        on_stack: set = set()
        stack: list = []
        found = []
        counter = 0
        for root in self.edges:
            if root in index_of:
                continue
            work = [(root, 0)]
            while work:
                node, i = work.pop()
                if i == 0:
                    index_of[node] = low[node] = counter
                    counter += 1
                    stack.append(node)
                    on_stack.add(node)
                targets = self.edges.get(node, [])
                recurse = False
                while i < len(targets):
                    t = targets[i]
                    i += 1
                    if t not in index_of:
                        work.append((node, i))
                        work.append((t, 0))
                        recurse = True
                        break
                    if t in on_stack:
                        low[node] = min(low[node], index_of[t])
                if recurse:
                    continue
                if low[node] == index_of[node]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == node:
                            break
                    if len(component) > 1 or node in self.edges.get(node, []):
                        found.append(sorted(c for c in component if len(c) == 3))  # blocks are not cells
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
        return found
