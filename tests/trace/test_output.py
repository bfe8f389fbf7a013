"""trace/output.py: an output is all of its bytes under its name, or nothing at all, and it
never replaces another file unless forced (a symbolic link is replaced, never followed)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from verikit.trace import output
from verikit.trace.output import OutputError, OutputExists, refuse_existing, write_output


def test_writes_all_the_bytes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "cex.json"
    write_output(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"
    assert os.listdir(target.parent) == ["cex.json"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~output._umask()


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="cannot write: No space left on device"):
        write_output(tmp_path / "cex.json", b"x" * 10_000)
    assert os.listdir(tmp_path) == []


def test_an_existing_name_is_never_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "cex.json"
    target.write_text("theirs")
    with pytest.raises(OutputExists, match="appeared while verikit ran"):
        write_output(target, b"ours")
    assert target.read_text() == "theirs"
    write_output(target, b"ours", force=True)
    assert target.read_text() == "ours"
    assert os.listdir(tmp_path) == ["cex.json"]


def test_without_hard_links_the_name_is_still_taken_exclusively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "cex.json"
    write_output(target, b"first")
    with pytest.raises(OutputExists):
        write_output(target, b"second")
    assert target.read_bytes() == b"first"
    assert os.listdir(tmp_path) == ["cex.json"]


def test_a_directory_is_refused_even_with_force(tmp_path: Path) -> None:
    (tmp_path / "out.svg").mkdir()
    with pytest.raises(OutputExists, match="is a directory"):
        refuse_existing(tmp_path / "out.svg", force=True)
    with pytest.raises(OutputExists, match="is a directory"):
        write_output(tmp_path / "out.svg", b"<svg/>", force=True)
    assert sorted(os.listdir(tmp_path)) == ["out.svg"]


def test_a_dangling_symlink_is_taken_and_force_replaces_the_link_itself(tmp_path: Path) -> None:
    link, elsewhere = tmp_path / "cex.json", tmp_path / "elsewhere.json"
    link.symlink_to(elsewhere)
    with pytest.raises(OutputExists):
        refuse_existing(link, force=False)
    with pytest.raises(OutputExists):
        write_output(link, b"ours")
    write_output(link, b"ours", force=True)
    assert not link.is_symlink() and link.read_bytes() == b"ours"
    assert not elsewhere.exists()
