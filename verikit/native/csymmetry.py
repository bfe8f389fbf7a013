"""Symmetry reduction in C: the canonical words of a packed state, whose hash is its key.

Two states that differ only by a renaming of the nodes of `symmetric` groups must share one
visited-table key, exactly as engine/symmetry.py makes them share one on the Python backend
(so the distinct-state counts agree). The search still stores and expands the state it
reached; only the fingerprint is taken of the canonical form (see runtime/search.c).

The canonical form of s is the least (word by word) of F(π(s)) over a set P(s) of renamings:

- π(s) is computed on the packed words themselves, slot by slot (`vk_perm`): a node id field
  gets its image, a map keyed by nodes (a node variable, `up`, the FIFO channels) moves its
  entries, a set over nodes (or over records or messages holding nodes) moves its bits, and
  sequences, options, records and messages recurse. Slots holding no node of a symmetric
  group are never touched: they are copied once (`VK_SYM_KEEP`).
- F sorts the entries of a bag by their bits, so that equal multisets get equal words
  whatever order their entries had (compile's order of the renamed elements is not kept).
  The `partition` slot is written as the side holding the lowest id, as semantics keeps it.
- P(s) is not every renaming: each node of a group gets a signature from the values it holds
  that name no node of a symmetric group (its own variables, whether it is up) and from the
  sizes of its sets of such nodes (a proposer's promises); P(s) holds
  the renamings that list a group's nodes in increasing signature order, every order of
  equal signatures tried. A renaming σ of s maps P(s) onto P(σ(s)) (signatures move with
  their nodes), so {π(s) : π ∈ P(s)} is the same set of states for the whole orbit and its
  least is canonical: exact, like trying all n! renamings, but usually trying a few.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verikit.core.model import Model
from verikit.core.types import (
    BagType,
    MapType,
    MessageType,
    NodeGroup,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain_size,
)
from verikit.errors import Span
from verikit.native.layout import (
    BagL,
    Layout,
    MapL,
    Msg,
    NativeRefusal,
    Opt,
    Rec,
    Scalar,
    SeqL,
    SetL,
    StateLayout,
    var_span,
)

__all__ = ["symmetric_groups", "symmetry_source"]


def symmetric_groups(model: Model) -> tuple[NodeGroup, ...]:
    """The groups whose ids may be permuted (a group of one node has nothing to swap)."""
    return tuple(g for g in model.nodes if g.name in model.symmetric and g.count > 1)


HELPERS = """\
static inline void vk_sym_set(uint64_t *w, int64_t pos, int bits, uint64_t v) {
  uint64_t m = bits >= 64 ? ~0ull : (1ull << bits) - 1;
  int sh = (int)(pos & 63);
  w[pos >> 6] = (w[pos >> 6] & ~(m << sh)) | (v << sh);
  if (sh + bits > 64) w[(pos >> 6) + 1] = (w[(pos >> 6) + 1] & ~(m >> (64 - sh))) | (v >> (64 - sh));
}
static inline void vk_sym_copy(uint64_t *out, int64_t dst, const uint64_t *in, int64_t src,
                               int64_t bits) {
  for (; bits > 0; bits -= 62, src += 62, dst += 62) {
    int b = bits > 62 ? 62 : (int)bits;
    vk_put(out, dst, b, vk_get(in, src, b));
  }
}
static inline uint64_t vk_sym_mix(uint64_t h) {
  h ^= h >> 33; h *= 0xff51afd7ed558ccdull; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}
static inline uint64_t vk_sym_sig(uint64_t h, const uint64_t *s, int64_t pos, int64_t bits) {
  for (; bits > 0; bits -= 62, pos += 62) h = vk_sym_mix(h ^ vk_get(s, pos, bits > 62 ? 62 : (int)bits));
  return h;
}
static inline uint64_t vk_sym_pop(uint64_t h, const uint64_t *s, int64_t pos, int64_t bits) {
  int64_t n = 0;
  for (; bits > 0; bits -= 62, pos += 62) n += __builtin_popcountll(vk_get(s, pos, bits > 62 ? 62 : (int)bits));
  return vk_sym_mix(h ^ (uint64_t)n);
}
/* compare bits [a, a+bits) and [b, b+bits) of w as numbers */
static int vk_sym_cmp(const uint64_t *w, int64_t a, int64_t b, int64_t bits) {
  while (bits > 0) {
    int c = bits >= 62 ? 62 : (int)bits;
    bits -= c;
    uint64_t x = vk_get(w, a + bits, c), y = vk_get(w, b + bits, c);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}
static void vk_sym_swap(uint64_t *w, int64_t a, int64_t b, int64_t bits) {
  for (; bits > 0; bits -= 62, a += 62, b += 62) {
    int c = bits > 62 ? 62 : (int)bits;
    uint64_t x = vk_get(w, a, c), y = vk_get(w, b, c);
    vk_sym_set(w, a, c, y);
    vk_sym_set(w, b, c, x);
  }
}
/* sort n entries of `stride` bits from bit `pos` by their first `key` bits (insertion sort:
   a bag holds a few entries) */
static void vk_sym_sort(uint64_t *w, int64_t pos, int64_t n, int64_t stride, int64_t key) {
  for (int64_t i = 1; i < n; i++)
    for (int64_t j = i; j > 0 && vk_sym_cmp(w, pos + j * stride, pos + (j - 1) * stride, key) < 0; j--)
      vk_sym_swap(w, pos + j * stride, pos + (j - 1) * stride, stride);
}
/* the next permutation of a[0..n) in increasing order; 0 (and a sorted again) after the last */
static int vk_sym_next(int32_t *a, int n) {
  int i = n - 2;
  while (i >= 0 && a[i] >= a[i + 1]) i--;
  if (i >= 0) {
    int j = n - 1;
    while (a[j] <= a[i]) j--;
    int32_t t = a[i]; a[i] = a[j]; a[j] = t;
  }
  for (int l = i + 1, r = n - 1; l < r; l++, r--) {
    int32_t t = a[l]; a[l] = a[r]; a[r] = t;
  }
  return i >= 0;
}
static inline int vk_sym_less(const uint64_t *a, const uint64_t *b) {
  for (int i = 0; i < VK_STATE_WORDS; i++)
    if (a[i] != b[i]) return a[i] < b[i];
  return 0;
}"""


@dataclass
class _Gen:
    """Writes the C of one model's canonicalization."""

    model: Model
    layout: StateLayout
    groups: tuple[NodeGroup, ...]
    decls: list[str] = field(default_factory=list)
    names: dict[Type, str] = field(default_factory=dict)  # ordinal maps, one per type
    tables: dict[NodeType, str] = field(default_factory=dict)  # node code <-> id tables
    counter: int = 0

    @property
    def sym(self) -> frozenset[str]:
        return frozenset(g.name for g in self.groups)

    def moves(self, t: Type) -> bool:
        """Whether values of `t` can hold a node id of a symmetric group."""
        match t:
            case NodeType(groups=groups):
                return any(g.name in self.sym for g in groups)
            case OptionType(inner=x) | SetType(elem=x) | SeqType(elem=x) | BagType(elem=x):
                return self.moves(x)
            case RecordType(fields=fields):
                return any(self.moves(ft) for _, ft in fields)
            case MessageType(variants=variants):
                return any(self.moves(v) for v in variants)
            case MapType(key=key, value=value):
                return self.moves(key) or self.moves(value)
        return False

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    # ------------------------------------------------------------ ordinal maps

    def ordinal_map(self, t: Type, span: Span) -> str:
        """The C function mapping the ordinal of a value of `t` (in domain(t)) to the ordinal
        of its renamed value, under `img` (global id -> global id)."""
        if t not in self.names:
            self.names[t] = name = f"vk_sym_om{len(self.names)}"
            body = self._om_body(t, span)
            self.decls.append(
                f"static int64_t {name}(int64_t o, const int32_t *img) {{\n  (void)img;\n{body}\n}}"
            )
        return self.names[t]

    def _om_body(self, t: Type, span: Span) -> str:  # noqa: C901 - one case per type form
        if not self.moves(t):
            return "  return o;"
        match t:
            case NodeType():
                ids, codes = self._node_tables(t)
                return f"  return {codes}[img[{ids}[o]]];"
            case OptionType(inner=inner):
                return f"  return o == 0 ? 0 : 1 + {self.ordinal_map(inner, span)}(o - 1, img);"
            case RecordType(fields=fields):
                sizes = [_size(ft, span) for _, ft in fields]
                lines = ["  int64_t r = 0, d;"]
                weights = [1] * len(fields)
                for i in range(len(fields) - 2, -1, -1):
                    weights[i] = weights[i + 1] * sizes[i + 1]
                for (_, ft), n, wt in zip(fields, sizes, weights, strict=True):
                    digit = f"(o / {wt}) % {n}"
                    moved = f"{self.ordinal_map(ft, span)}({digit}, img)" if self.moves(ft) \
                        else digit  # fmt: skip
                    lines.append(f"  d = {moved}; r += d * {wt};")
                return "\n".join([*lines, "  return r;"])
            case MessageType(variants=variants):
                lines, offset = [], 0
                for v in variants:
                    n = _size(v, span)
                    lines.append(f"  if (o < {offset + n}) return {offset} + "
                                 f"{self.ordinal_map(v, span)}(o - {offset}, img);")  # fmt: skip
                    offset += n
                return "\n".join([*lines, "  return o;"])
        raise NativeRefusal(f"symmetry over values of type {t} used as set elements or map keys",
                            span)  # fmt: skip

    def _node_tables(self, t: NodeType) -> tuple[str, str]:
        """code -> global id, and global id -> code, of a node type's domain."""
        name = self.tables.get(t)
        if name is None:
            name = self.tables[t] = f"vk_sym_node{len(self.tables)}"
            ids = [i for g in t.groups for i in g.ids]
            total = sum(g.count for g in self.model.nodes)
            codes = [-1] * total
            for code, node in enumerate(ids):
                codes[node] = code
            self.decls.append(f"static const int32_t {name}_ids[] = {{{_list(ids)}}};")
            self.decls.append(f"static const int32_t {name}_codes[] = {{{_list(codes)}}};")
        return f"{name}_ids", f"{name}_codes"

    # ------------------------------------------------------------ renaming the words

    def perm(self, lay: Layout, t: Type, src: str, dst: str, pad: str, span: Span) -> list[str]:
        """Statements writing the renamed value at bit `src` of `in` to bit `dst` of `out`
        (whose bits there are zero)."""
        if not self.moves(t):
            return [f"{pad}vk_sym_copy(out, {dst}, in, {src}, {lay.bits});"] if lay.bits else []
        match lay, t:
            case Scalar(), NodeType():
                if not lay.bits:
                    return []
                ids, codes = self._node_tables(t)
                get = f"vk_get(in, {src}, {lay.bits})"
                return [
                    f"{pad}vk_put(out, {dst}, {lay.bits}, (uint64_t){codes}[img[{ids}[{get}]]]);"
                ]
            case Opt(inner=inner), OptionType(inner=it):
                return [
                    f"{pad}if (vk_get(in, {src}, 1)) {{",
                    f"{pad}  vk_put(out, {dst}, 1, 1);",
                    *self.perm(inner, it, f"{src} + 1", f"{dst} + 1", pad + "  ", span),
                    f"{pad}}}",
                ]
            case Rec(fields=fields), RecordType(fields=ftypes):
                out, off = [], 0
                for f, (_, ft) in zip(fields, ftypes, strict=True):
                    out += self.perm(f, ft, f"{src} + {off}", f"{dst} + {off}", pad, span)
                    off += f.bits
                return out
            case Msg(variants=variants), MessageType(variants=vtypes):
                tag = f"vk_get(in, {src}, {lay.tag_bits})" if lay.tag_bits else "0"
                out = [f"{pad}switch ({tag}) {{"]
                off = lay.tag_bits
                for i, (rec, vt) in enumerate(zip(variants, vtypes, strict=True)):
                    out.append(f"{pad}case {i}:")
                    if lay.tag_bits:
                        out.append(f"{pad}  vk_put(out, {dst}, {lay.tag_bits}, {i});")
                    out += self.perm(rec, vt, f"{src} + {off}", f"{dst} + {off}", pad + "  ",
                                     span)  # fmt: skip
                    out.append(f"{pad}  break;")
                    off += rec.bits
                return [*out, f"{pad}}}"]
            case SetL(elem=elem, size=size), SetType():
                return self._set(elem, size, src, dst, pad, span, partition=False)
            case MapL(key=key, size=size, value=vl), MapType(value=vt):
                k, to = self.fresh("k"), self.fresh("t")
                stride = 1 + vl.bits
                image = f"{self.ordinal_map(key, span)}({k}, img)" if self.moves(key) else k
                return [
                    f"{pad}for (int64_t {k} = 0; {k} < {size}; {k}++) "
                    f"if (vk_get(in, {src} + {k} * {stride}, 1)) {{",
                    f"{pad}  int64_t {to} = {image};",
                    f"{pad}  vk_put(out, {dst} + {to} * {stride}, 1, 1);",
                    *self.perm(vl, vt, f"{src} + {k} * {stride} + 1",
                               f"{dst} + {to} * {stride} + 1", pad + "  ", span),
                    f"{pad}}}",
                ]  # fmt: skip
            case SeqL(elem=el), SeqType(elem=et):
                k, n = self.fresh("k"), self.fresh("n")
                at = f" + {lay.len_bits} + {k} * {el.bits}"
                length = f"(int64_t)vk_get(in, {src}, {lay.len_bits})" if lay.len_bits else "0"
                return [
                    f"{pad}{{ int64_t {n} = {length};",
                    *([f"{pad}  vk_put(out, {dst}, {lay.len_bits}, (uint64_t){n});"]
                      if lay.len_bits else []),
                    f"{pad}  for (int64_t {k} = 0; {k} < {n}; {k}++) {{",
                    *self.perm(el, et, f"{src}{at}", f"{dst}{at}", pad + "    ", span),
                    f"{pad}  }}",
                    f"{pad}}}",
                ]  # fmt: skip
            case BagL(elem=el), BagType(elem=et):
                return self._bag(lay, el, et, src, dst, pad, span)
        raise NativeRefusal(f"symmetry over a value of type {t}", span)

    def _set(
        self, elem: Type, size: int, src: str, dst: str, pad: str, span: Span, partition: bool
    ) -> list[str]:
        om = self.ordinal_map(elem, span)
        if size <= 62:
            m, r = self.fresh("m"), self.fresh("r")
            lines = [
                f"{pad}{{ uint64_t {m} = vk_get(in, {src}, {size}), {r} = 0;",
                f"{pad}  while ({m}) {{ int64_t o = __builtin_ctzll({m}); {m} &= {m} - 1;"
                f" {r} |= 1ull << {om}(o, img); }}",
            ]
            if partition:  # written as the side holding the lowest id (semantics/network.py)
                full = (1 << size) - 1
                lines.append(f"{pad}  if ({r} && !({r} & 1)) {r} ^= {full}ull;")
            return [*lines, f"{pad}  vk_put(out, {dst}, {size}, {r}); }}"]
        if partition:
            raise NativeRefusal("symmetry with a partition over more than 62 nodes", span)
        o = self.fresh("o")
        return [
            f"{pad}for (int64_t {o} = 0; {o} < {size}; {o}++)",
            f"{pad}  if (vk_get(in, {src} + {o}, 1)) vk_put(out, {dst} + {om}({o}, img), 1, 1);",
        ]

    def _bag(
        self, lay: BagL, el: Layout, et: Type, src: str, dst: str, pad: str, span: Span
    ) -> list[str]:
        """Entries renamed in place, then sorted by their bits (a canonical multiset)."""
        k, n = self.fresh("k"), self.fresh("n")
        at = f" + {lay.len_bits} + {k} * {lay.entry_bits}"
        length = f"(int64_t)vk_get(in, {src}, {lay.len_bits})" if lay.len_bits else "0"
        count = (
            [f"{pad}    vk_sym_copy(out, {dst}{at} + {el.bits}, in, {src}{at} + {el.bits}, "
             f"{lay.count_bits});"] if lay.count_bits else []
        )  # fmt: skip
        return [
            f"{pad}{{ int64_t {n} = {length};",
            *([f"{pad}  vk_put(out, {dst}, {lay.len_bits}, (uint64_t){n});"]
              if lay.len_bits else []),
            f"{pad}  for (int64_t {k} = 0; {k} < {n}; {k}++) {{",
            *self.perm(el, et, f"{src}{at}", f"{dst}{at}", pad + "    ", span),
            *count,
            f"{pad}  }}",
            f"{pad}  vk_sym_sort(out, {dst} + {lay.len_bits}, {n}, {lay.entry_bits}, {el.bits});",
            f"{pad}}}",
        ]  # fmt: skip

    # ------------------------------------------------------------ signatures

    def signature(self, g: NodeGroup) -> list[str]:
        """Statements folding, into sig[j] for node g.first + j, the bits of every map entry
        keyed by that node whose value names no node of a symmetric group, and the size of
        every set-valued one that does (a renaming keeps both)."""
        lines = []
        for off, lay, var in zip(self.layout.offsets(), self.layout.slots, self.model.vars,
                                 strict=True):  # fmt: skip
            t = var.type
            if not (isinstance(lay, MapL) and isinstance(t, MapType)):
                continue
            key = t.key
            if not isinstance(key, NodeType) or g not in key.groups:
                continue
            start = sum(h.count for h in key.groups[: key.groups.index(g)])
            stride = 1 + lay.value.bits
            at = f"{off} + ({start} + j) * {stride}"
            if not self.moves(t.value):
                lines.append(f"    h = vk_sym_sig(h, s, {at}, {stride});")
            elif isinstance(lay.value, SetL):  # a renaming keeps a set's size
                lines.append(f"    h = vk_sym_pop(h, s, {at}, {stride});")
        return lines

    # ------------------------------------------------------------ the whole

    def source(self) -> str:
        slots = []
        keep = (1 << (64 * self.layout.words)) - 1
        for off, lay, var in zip(self.layout.offsets(), self.layout.slots, self.model.vars,
                                 strict=True):  # fmt: skip
            if not self.moves(var.type):
                continue
            keep &= ~(((1 << lay.bits) - 1) << off)
            span = var_span(self.model, var)
            if var.role == "partition" and isinstance(lay, SetL):
                slots += self._set(lay.elem, lay.size, str(off), str(off), "  ", span, True)
            else:
                slots += self.perm(lay, var.type, str(off), str(off), "  ", span)
        words = [(keep >> (64 * i)) & ((1 << 64) - 1) for i in range(self.layout.words)]
        perm = "\n".join(slots)
        return "\n".join([
            "#define VK_SYMMETRY 1",
            HELPERS,
            *self.decls,
            f"static const uint64_t VK_SYM_KEEP[VK_STATE_WORDS] = {{{_list(words, 'ull')}}};",
            "/* the renamed state: its slots holding symmetric nodes, written into `out` */",
            "static void vk_perm(const uint64_t *in, uint64_t *out, const int32_t *img) {",
            "  (void)in; (void)out; (void)img;",
            perm,
            "}",
            self._canon(),
        ]) + "\n"  # fmt: skip

    def _canon(self) -> str:
        total = sum(g.count for g in self.model.nodes)
        n_sym = sum(g.count for g in self.groups)
        lines = [
            "/* the canonical words of s (see verikit/native/csymmetry.py) */",
            "static void vk_canon(const uint64_t *s, uint64_t *best) {",
            f"  int32_t img[{total}], ord[{n_sym}], rlo[{n_sym}], rn[{n_sym}];",
            f"  uint64_t sig[{n_sym}], tmp[VK_STATE_WORDS];",
            "  int nr = 0, first = 1;",
            f"  for (int i = 0; i < {total}; i++) img[i] = i;",
        ]
        at = 0
        for g in self.groups:
            sig = self.signature(g)
            lines += [
                f"  /* {g.name}: nodes {g.first}..{g.first + g.count - 1} by signature */",
                f"  for (int j = 0; j < {g.count}; j++) {{",
                "    uint64_t h = 0x9e3779b97f4a7c15ull;",
                *sig,
                f"    sig[{at} + j] = h;",
                "    int i = j;",
                f"    for (; i > 0 && sig[{at} + ord[{at} + i - 1]] > h; i--) "
                f"ord[{at} + i] = ord[{at} + i - 1];",
                f"    ord[{at} + i] = j;",
                "  }",
                f"  for (int j = 0, e; j < {g.count}; j = e) {{",
                f"    for (e = j + 1; e < {g.count} && sig[{at} + ord[{at} + e]] == "
                f"sig[{at} + ord[{at} + j]]; e++) {{}}",
                f"    if (e - j > 1) {{ rlo[nr] = {at} + j; rn[nr] = e - j; nr++; }}",
                "  }",
            ]  # fmt: skip
            at += g.count
        assign = []
        at = 0
        for g in self.groups:
            assign.append(f"    for (int j = 0; j < {g.count}; j++) "
                          f"img[{g.first} + ord[{at} + j]] = {g.first} + j;")  # fmt: skip
            at += g.count
        lines += [
            "  for (;;) {",
            *assign,
            "    for (int i = 0; i < VK_STATE_WORDS; i++) tmp[i] = s[i] & VK_SYM_KEEP[i];",
            "    vk_perm(s, tmp, img);",
            "    if (first || vk_sym_less(tmp, best)) {",
            "      memcpy(best, tmp, sizeof tmp);",
            "      first = 0;",
            "    }",
            "    int r = nr - 1;",
            "    while (r >= 0 && !vk_sym_next(ord + rlo[r], rn[r])) r--;",
            "    if (r < 0) break;",
            "  }",
            "}",
            "/* for tests: the canonical words of a state */",
            "void vk_api_canon(const uint64_t *s, uint64_t *c) { vk_canon(s, c); }",
        ]
        return "\n".join(lines)


def _size(t: Type, span: Span) -> int:
    n = domain_size(t)
    if n is None or n > 1 << 40:
        raise NativeRefusal(f"symmetry over values of type {t} (too many to number)", span)
    return n


def _list(values: list[int], suffix: str = "") -> str:
    return ", ".join(f"{v}{suffix}" for v in values) if values else "0"


def symmetry_source(model: Model, layout: StateLayout) -> str:
    """The C of `vk_canon` for `model`'s symmetric groups ("" when there are none): included
    after the pack functions (it uses vk_get/vk_put) and before the runtime's search."""
    groups = symmetric_groups(model)
    if not groups:
        return ""
    return _Gen(model, layout, groups).source()
