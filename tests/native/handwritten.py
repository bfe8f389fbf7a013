"""The hand-written TwoPhase model (twophase_handwritten.c), built with the real compiler."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from verikit.native.build import Built, build_c

HANDWRITTEN = Path(__file__).with_name("twophase_handwritten.c")
SPEC = Path(__file__).parents[2] / "specs" / "reference" / "tla_two_phase.dsl"

needs_compiler = pytest.mark.skipif(
    not any(shutil.which(name) for name in ("cc", "gcc", "clang")),
    reason="no C compiler (cc, gcc or clang) on this machine",
)


def twophase_c(rms: int = 3, *defines: str) -> str:
    lines = [f"#define VK_RMS {rms}", *(f"#define {d}" for d in defines)]
    return "\n".join(lines) + "\n" + HANDWRITTEN.read_text()


def build_twophase(rms: int = 3, *defines: str) -> Built:
    return build_c(twophase_c(rms, *defines))
