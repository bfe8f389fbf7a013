"""The counterexample charts the docs show (docs/specs/img, drawn by `make diagrams`) keep the
layout's promises: no message or lifeline cuts through a box it does not start or end at,
and each has its legend. A chart drawn the old way, or by hand, fails here."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.trace.svg_layout import boxes, cut_boxes

IMAGES = sorted((Path(__file__).resolve().parents[2] / "docs" / "specs" / "img").glob("*.svg"))


@pytest.mark.parametrize("image", IMAGES, ids=lambda p: p.stem)
def test_a_docs_chart_has_no_arrow_through_a_box_and_a_legend(image: Path) -> None:
    root = ET.parse(image).getroot()
    assert cut_boxes(root) == [] and cut_boxes(root, "lifeline") == []
    assert any("legend-box" in box.classes for box in boxes(root))


def test_the_docs_have_charts() -> None:
    assert len(IMAGES) >= 20
