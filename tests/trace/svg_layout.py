"""Reading a Graphviz SVG back as geometry, to test a chart's layout by its structure: where
each box is, the curve each edge draws, and which edges cut through a box they do not start
or end at. No pixels are compared."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import unescape

from verikit.trace.layout import Point, Rect, crosses

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Box:
    name: str
    classes: tuple[str, ...]
    rect: Rect
    text: str


@dataclass(frozen=True)
class Curve:
    tail: str
    head: str
    classes: tuple[str, ...]
    points: tuple[Point, ...]  # the drawn curve, sampled finely


def classes(group: ET.Element) -> tuple[str, ...]:
    return tuple((group.get("class") or "").split())


def boxes(root: ET.Element) -> list[Box]:
    """Every node that draws an outline (a polygon, a rounded path or a point's ellipse)."""
    out = []
    for group in root.iter(f"{SVG}g"):
        if "node" not in classes(group):
            continue
        rect = _outline(group)
        if rect is not None:
            words = " ".join(t.text or "" for t in group.iter(f"{SVG}text"))
            out.append(Box(group.findtext(f"{SVG}title", ""), classes(group), rect, words))
    return out


def _outline(group: ET.Element) -> Rect | None:
    xs: list[float] = []
    ys: list[float] = []
    for shape in group.iter():
        if shape.tag == f"{SVG}polygon":
            numbers = [float(n) for n in NUMBER.findall(shape.get("points", ""))]
        elif shape.tag == f"{SVG}path":
            numbers = [float(n) for n in NUMBER.findall(shape.get("d", ""))]
        elif shape.tag == f"{SVG}ellipse":
            cx, cy = float(shape.get("cx", 0)), float(shape.get("cy", 0))
            rx, ry = float(shape.get("rx", 0)), float(shape.get("ry", 0))
            numbers = [cx - rx, cy - ry, cx + rx, cy + ry]
        else:
            continue
        xs += numbers[0::2]
        ys += numbers[1::2]
    return Rect(min(xs), min(ys), max(xs), max(ys)) if xs else None


def curves(root: ET.Element, cls: str) -> list[Curve]:
    """The edges of a class, each as its path's Bézier pieces sampled at 24 points apiece."""
    out = []
    for group in root.iter(f"{SVG}g"):
        if "edge" not in classes(group) or cls not in classes(group):
            continue
        tail, _, head = unescape(group.findtext(f"{SVG}title", "")).partition("->")
        path = next(group.iter(f"{SVG}path"))
        out.append(Curve(tail, head, classes(group), _sampled(path.get("d", ""))))
    return out


def _sampled(d: str) -> tuple[Point, ...]:
    """Graphviz writes an edge as `M x,y C` then control, control, end triples."""
    numbers = [float(n) for n in NUMBER.findall(d)]
    pts = list(zip(numbers[0::2], numbers[1::2], strict=True))
    out = [pts[0]]
    for i in range(1, len(pts) - 2, 3):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for step in range(1, 25):
            t = step / 24
            out.append(_bezier(p0, p1, p2, p3, t))
    return tuple(out)


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    u = 1 - t
    a, b, c, d = u**3, 3 * u * u * t, 3 * u * t * t, t**3
    return (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
            a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])  # fmt: skip


FRAMES = ("loop-box", "legend-box", "tick")  # drawn around other boxes, or a dot on a line


def cut_boxes(root: ET.Element, cls: str = "message") -> list[str]:
    """`tail->head cuts name` for each edge of the class that passes through the inside of a
    box it neither starts nor ends at (the box shrunk by a point: grazing is not cutting)."""
    found = []
    obstacles = [b for b in boxes(root) if not set(b.classes) & set(FRAMES)]
    for curve in curves(root, cls):
        for box in obstacles:
            if box.name in (curve.tail, curve.head):
                continue
            inner = box.rect.grown(-1.0)
            pairs = zip(curve.points, curve.points[1:], strict=False)
            if any(crosses(a, b, inner) for a, b in pairs):
                found.append(f"{curve.tail}->{curve.head} cuts {box.name} ({box.text.strip()})")
    return found
