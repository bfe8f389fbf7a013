"""C code that packs the working state struct into the state vector and back (layout.py)."""

from __future__ import annotations

from verikit.core.types import BoolType, EnumType, IntType, MessageType, NodeType, Type
from verikit.native.cvalues import CTypes
from verikit.native.layout import (
    BagL,
    Layout,
    MapL,
    Msg,
    Opt,
    Rec,
    Scalar,
    SeqL,
    SetL,
    StateLayout,
)

BIT_HELPERS = """\
static inline void vk_put(uint64_t *w, int64_t pos, int bits, uint64_t v) {
  w[pos >> 6] |= v << (pos & 63);
  if ((pos & 63) + bits > 64) w[(pos >> 6) + 1] |= v >> (64 - (pos & 63));
}
static inline uint64_t vk_get(const uint64_t *w, int64_t pos, int bits) {
  uint64_t v = w[pos >> 6] >> (pos & 63);
  if ((pos & 63) + bits > 64) v |= w[(pos >> 6) + 1] << (64 - (pos & 63));
  return bits >= 64 ? v : v & ((1ULL << bits) - 1);
}"""


def _at(pos: str, offset: int) -> str:
    if offset == 0:
        return pos
    if pos.isdigit():
        return str(int(pos) + offset)
    return f"{pos} + {offset}"


class Packer:
    """Writes the pack and unpack code of each state slot."""

    def __init__(self, ct: CTypes, layout: StateLayout, types: tuple[Type, ...]) -> None:
        self.ct = ct
        self.layout = layout
        self.types = types
        self._loop = 0

    def _var(self) -> str:
        self._loop += 1
        return f"i{self._loop}"

    # ------------------------------------------------------------ pack

    def pack(self, lay: Layout, t: Type, lv: str, pos: str, pad: str) -> list[str]:
        """Statements packing the value at lvalue `lv` at bit `pos` of `w`; they return
        VK_UNREPRESENTABLE when it does not fit."""
        bad = "return VK_UNREPRESENTABLE;"
        match lay:
            case Scalar(count=count):
                code = self._code(t, lv, count)
                lines = [f"{pad}{{ int64_t c = {code}; if (c < 0) {bad}"]
                if lay.bits:
                    lines.append(f"{pad}  vk_put(w, {pos}, {lay.bits}, (uint64_t)c);")
                return [*lines, f"{pad}}}"]
            case Opt(inner=inner):
                assert hasattr(t, "inner")
                return [
                    f"{pad}if ({lv}.has) {{",
                    f"{pad}  vk_put(w, {pos}, 1, 1);",
                    *self.pack(inner, t.inner, f"{lv}.v", _at(pos, 1), pad + "  "),
                    f"{pad}}}",
                ]
            case Rec(fields=fields):
                out, off = [], 0
                ftypes = [ft for _, ft in t.fields]  # type: ignore[union-attr]
                for i, (f, ft) in enumerate(zip(fields, ftypes, strict=True)):
                    out += self.pack(f, ft, f"{lv}.f{i}", _at(pos, off), pad)
                    off += f.bits
                return out
            case Msg(variants=variants):
                assert isinstance(t, MessageType)
                out = [f"{pad}switch ({lv}.tag) {{"]
                off = lay.tag_bits
                for i, (rec, vt) in enumerate(zip(variants, t.variants, strict=True)):
                    u = self.ct.utag[vt.name]
                    out.append(f"{pad}case {u}:")
                    if lay.tag_bits:
                        out.append(f"{pad}  vk_put(w, {pos}, {lay.tag_bits}, {i});")
                    out += self.pack(rec, vt, f"{lv}.v{u}", _at(pos, off), pad + "  ")
                    out.append(f"{pad}  break;")
                    off += rec.bits
                return [*out, f"{pad}default: {bad}", f"{pad}}}"]
            case SetL(size=size):
                out = []
                for j in range((size + 63) // 64):
                    bits = min(64, size - 64 * j)
                    out.append(f"{pad}vk_put(w, {_at(pos, 64 * j)}, {bits}, {lv}.w[{j}]);")
                return out
            case MapL(size=size, value=vl):
                k, stride = self._var(), 1 + vl.bits
                at = f"{pos} + {k} * {stride}"
                return [
                    f"{pad}for (int64_t {k} = 0; {k} < {size}; {k}++) if ({lv}.has[{k}]) {{",
                    f"{pad}  vk_put(w, {at}, 1, 1);",
                    *self.pack(vl, t.value, f"{lv}.v[{k}]", f"{at} + 1", pad + "  "),  # type: ignore[union-attr]
                    f"{pad}}}",
                ]
            case SeqL(cap=cap, elem=el):
                k = self._var()
                at = f"{pos} + {lay.len_bits} + {k} * {el.bits}"
                out = [f"{pad}if ((uint64_t){lv}.len > {cap}) {bad}"]
                if lay.len_bits:
                    out.append(f"{pad}vk_put(w, {pos}, {lay.len_bits}, (uint64_t){lv}.len);")
                return [
                    *out,
                    f"{pad}for (int64_t {k} = 0; {k} < {lv}.len; {k}++) {{",
                    *self.pack(el, t.elem, f"{lv}.v[{k}]", at, pad + "  "),  # type: ignore[union-attr]
                    f"{pad}}}",
                ]
            case BagL(cap=cap, elem=el):
                k = self._var()
                at = f"{pos} + {lay.len_bits} + {k} * {lay.entry_bits}"
                out = [f"{pad}if ((uint64_t){lv}.n > {cap}) {bad}"]
                if lay.len_bits:
                    out.append(f"{pad}vk_put(w, {pos}, {lay.len_bits}, (uint64_t){lv}.n);")
                return [
                    *out,
                    f"{pad}for (int64_t {k} = 0; {k} < {lv}.n; {k}++) {{",
                    *self.pack(el, t.elem, f"{lv}.v[{k}]", at, pad + "  "),  # type: ignore[union-attr]
                    f"{pad}  if ((uint64_t){lv}.c[{k}] > {lay.max_count}) {bad}",
                    f"{pad}  vk_put(w, {at} + {el.bits}, {lay.count_bits}, (uint64_t){lv}.c[{k}]);",
                    f"{pad}}}",
                ]
        raise TypeError(lay)

    def _code(self, t: Type, lv: str, count: int) -> str:
        """C expression: the field value of scalar `lv`, or -1 when outside its type."""
        match t:
            case IntType(lo=lo, hi=hi):
                return f"({lv} >= {lo} && {lv} <= {hi} ? {lv} - {lo} : -1)"
            case BoolType() | EnumType():
                return f"((uint64_t){lv} < {count} ? {lv} : -1)"
            case NodeType():
                return self.ct.ordinal(t, lv)
        raise TypeError(t)

    # ------------------------------------------------------------ unpack

    def unpack(self, lay: Layout, t: Type, lv: str, pos: str, pad: str) -> list[str]:
        """Statements reading the value at bit `pos` of `w` into the zeroed lvalue `lv`."""
        match lay:
            case Scalar():
                code = f"(int64_t)vk_get(w, {pos}, {lay.bits})" if lay.bits else "0"
                return [f"{pad}{lv} = {self._decode(t, code)};"]
            case Opt(inner=inner):
                return [
                    f"{pad}if (vk_get(w, {pos}, 1)) {{",
                    f"{pad}  {lv}.has = 1;",
                    *self.unpack(inner, t.inner, f"{lv}.v", _at(pos, 1), pad + "  "),  # type: ignore[union-attr]
                    f"{pad}}}",
                ]
            case Rec(fields=fields):
                out, off = [], 0
                ftypes = [ft for _, ft in t.fields]  # type: ignore[union-attr]
                for i, (f, ft) in enumerate(zip(fields, ftypes, strict=True)):
                    out += self.unpack(f, ft, f"{lv}.f{i}", _at(pos, off), pad)
                    off += f.bits
                return out
            case Msg(variants=variants):
                assert isinstance(t, MessageType)
                tag = f"(int64_t)vk_get(w, {pos}, {lay.tag_bits})" if lay.tag_bits else "0"
                out = [f"{pad}switch ({tag}) {{"]
                off = lay.tag_bits
                for i, (rec, vt) in enumerate(zip(variants, t.variants, strict=True)):
                    u = self.ct.utag[vt.name]
                    out.append(f"{pad}case {i}:")
                    out.append(f"{pad}  {lv}.tag = {u};")
                    out += self.unpack(rec, vt, f"{lv}.v{u}", _at(pos, off), pad + "  ")
                    out.append(f"{pad}  break;")
                    off += rec.bits
                return [*out, f"{pad}}}"]
            case SetL(size=size):
                return [
                    f"{pad}{lv}.w[{j}] = vk_get(w, {_at(pos, 64 * j)}, {min(64, size - 64 * j)});"
                    for j in range((size + 63) // 64)
                ]
            case MapL(size=size, value=vl):
                k, stride = self._var(), 1 + vl.bits
                at = f"{pos} + {k} * {stride}"
                return [
                    f"{pad}for (int64_t {k} = 0; {k} < {size}; {k}++) if (vk_get(w, {at}, 1)) {{",
                    f"{pad}  {lv}.has[{k}] = 1;",
                    *self.unpack(vl, t.value, f"{lv}.v[{k}]", f"{at} + 1", pad + "  "),  # type: ignore[union-attr]
                    f"{pad}}}",
                ]
            case SeqL(elem=el):
                k = self._var()
                at = f"{pos} + {lay.len_bits} + {k} * {el.bits}"
                n = f"(int64_t)vk_get(w, {pos}, {lay.len_bits})" if lay.len_bits else "0"
                return [
                    f"{pad}{lv}.len = {n};",
                    f"{pad}for (int64_t {k} = 0; {k} < {lv}.len; {k}++) {{",
                    *self.unpack(el, t.elem, f"{lv}.v[{k}]", at, pad + "  "),  # type: ignore[union-attr]
                    f"{pad}}}",
                ]
            case BagL(elem=el):
                k = self._var()
                at = f"{pos} + {lay.len_bits} + {k} * {lay.entry_bits}"
                n = f"(int64_t)vk_get(w, {pos}, {lay.len_bits})" if lay.len_bits else "0"
                return [
                    f"{pad}{lv}.n = {n};",
                    f"{pad}for (int64_t {k} = 0; {k} < {lv}.n; {k}++) {{",
                    *self.unpack(el, t.elem, f"{lv}.v[{k}]", at, pad + "  "),  # type: ignore[union-attr]
                    f"{pad}  {lv}.c[{k}] = (int64_t)vk_get(w, {at} + {el.bits}, {lay.count_bits});",
                    f"{pad}}}",
                ]
        raise TypeError(lay)

    def _decode(self, t: Type, code: str) -> str:
        match t:
            case IntType(lo=lo):
                return f"{code} + {lo}"
            case NodeType():
                return self.ct.decode_expr(t, code)
        return code

    # ------------------------------------------------------------ functions

    def functions(self) -> list[str]:
        """vk_pack (whole state), vk_unpack (whole state) and vk_unpack_<i> (one slot)."""
        offsets = self.layout.offsets()
        out = [BIT_HELPERS]
        for i, (lay, t) in enumerate(zip(self.layout.slots, self.types, strict=True)):
            body = self.unpack(lay, t, f"s->v{i}", str(offsets[i]), "  ")
            out.append(
                f"static void vk_unpack_{i}(const uint64_t *w, VKS *s) {{\n"
                f"  memset(&s->v{i}, 0, sizeof s->v{i});\n" + "\n".join(body) + "\n}"
            )
        calls = "".join(f"  vk_unpack_{i}(w, s);\n" for i in range(len(self.types)))
        out.append(f"static void vk_unpack(const uint64_t *w, VKS *s) {{\n{calls}}}")
        lines = []
        for i, (lay, t) in enumerate(zip(self.layout.slots, self.types, strict=True)):
            lines += self.pack(lay, t, f"s->v{i}", str(offsets[i]), "  ")
        out.append("static int vk_pack(const VKS *s, uint64_t *w) {\n"
                   + "\n".join(lines) + "\n  return VK_OK;\n}")  # fmt: skip
        return out
