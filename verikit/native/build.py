"""Compile a generated model with the system C compiler, once per source and compiler.

The translation unit is the runtime header, the generated model code and the runtime's search,
in that order. The shared library lands in a cache directory named by a hash of everything that
decides its bytes (the unit, the runtime files, the compiler's identity and flags), so a second
run of the same spec loads it without compiling. The cache is `$VERIKIT_CACHE` or
`~/.cache/verikit`; when that cannot be written a temporary directory is used instead.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from verikit.native.library import NativeLibrary

RUNTIME = Path(__file__).parent / "runtime"
FLAGS = ("-O2", "-shared", "-fPIC", "-pthread", "-w")
COMPILERS = ("cc", "gcc", "clang")
INSTALL_HINT = (
    "install one (Debian/Ubuntu: `apt-get install gcc libc6-dev`; Fedora: `dnf install gcc`; "
    "macOS: `xcode-select --install`), set $CC to it, or use --backend python"
)


class NativeUnavailable(Exception):
    """No C compiler: the native backend cannot run here (the message says how to fix it)."""


class NativeBuildError(Exception):
    """The compiler rejected generated code: a verikit bug. Keeps the C file for the report."""

    def __init__(self, message: str, c_file: Path) -> None:
        super().__init__(message)
        self.c_file = c_file


class HasC(Protocol):
    """What build needs of codegen's NativeSource."""

    @property
    def c(self) -> str: ...


@dataclass(frozen=True)
class Built:
    """A loaded model and what building it cost (compile_seconds is 0.0 when cached)."""

    library: NativeLibrary
    path: Path
    cached: bool
    compile_seconds: float


@dataclass(frozen=True)
class Compiler:
    path: str
    identity: str  # `cc --version`'s first line: a new compiler means a new cache entry


def find_compiler() -> Compiler:
    """The compiler named by $CC, else the first of cc, gcc, clang on the PATH."""
    wanted = os.environ.get("CC")
    candidates = (wanted,) if wanted else COMPILERS
    for name in candidates:
        path = shutil.which(name)
        if path is not None:
            return _compiler(path)
    looked = f"$CC={wanted}" if wanted else ", ".join(COMPILERS)
    raise NativeUnavailable(f"no C compiler found (looked for {looked}); {INSTALL_HINT}")


def _compiler(path: str) -> Compiler:
    """The compiler at `path` with its identity: its `--version` line. A compiler is used only
    once it has built the runtime around a tiny model (a compiler without C headers, say, is
    not one verikit can use: NativeUnavailable, so `auto` runs python); compilers that passed
    are remembered in the cache per (real path, size, modification time), so a cached run
    starts no process."""
    real = os.path.realpath(path)
    try:
        stat = os.stat(real)
    except OSError as exc:
        message = f"the C compiler {path} cannot be used ({exc}); {INSTALL_HINT}"
        raise NativeUnavailable(message) from None
    stamp = f"{real}:{stat.st_size}:{stat.st_mtime_ns}"
    known = _identities()
    if stamp not in known:
        identity = _version(path)
        _probe(path)
        known[stamp] = identity
        _remember(known)
    return Compiler(path, known[stamp])


PROBE = """
#define VK_STATE_WORDS 1
#define VK_N_ACTIONS 1
#define VK_N_PROPS 1
static const char *const VK_ACTION_NAMES[VK_N_ACTIONS] = {"step"};
static const char *const VK_PROP_KINDS[VK_N_PROPS] = {"invariant"};
static int vk_init_states(vk_out *o) { vk_push(o, -1)[0] = 0; return VK_OK; }
static int vk_successors(const uint64_t *s, vk_out *o) {
    if (s[0] < 3) vk_push(o, 0)[0] = s[0] + 1;
    return VK_OK;
}
static int vk_prop(int i, const uint64_t *s, int *holds) { (void)i; *holds = s[0] < 4; return 0; }
static int vk_trigger(int i, const uint64_t *s, int *holds) { (void)i; (void)s; *holds = 0; return 0; }
"""


def _probe(path: str) -> None:
    """Build the runtime around a tiny model with this compiler (unoptimised: quicker)."""
    flags = [f for f in FLAGS if f != "-O2"]
    with tempfile.TemporaryDirectory(prefix="verikit-probe-") as work:
        source = Path(work) / "probe.c"
        source.write_text(translation_unit(PROBE), encoding="utf-8")
        command = [path, *flags, "-I", str(RUNTIME), str(source), "-o", str(Path(work) / "p.so")]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            message = f"the C compiler {path} does not run ({exc}); {INSTALL_HINT}"
            raise NativeUnavailable(message) from None
    if run.returncode != 0:
        errors = [line.strip() for line in run.stderr.splitlines() if "error" in line]
        detail = errors[0] if errors else f"exit status {run.returncode}"
        message = f"the C compiler {path} cannot build verikit's runtime ({detail}); "
        raise NativeUnavailable(message + INSTALL_HINT)


def _version(path: str) -> str:
    try:
        run = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        message = f"the C compiler {path} does not run ({exc}); {INSTALL_HINT}"
        raise NativeUnavailable(message) from None
    first = (run.stdout or run.stderr).strip().splitlines()
    return first[0] if first else path


def _identities() -> dict[str, str]:
    try:
        known = json.loads((cache_dir() / "compilers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in known.items()} if isinstance(known, dict) else {}


def _remember(known: dict[str, str]) -> None:
    """Write the identities whole or not at all (other processes may read them meanwhile)."""
    directory = cache_dir()
    partial = directory / f"compilers.{os.getpid()}-{secrets.token_hex(4)}.part"
    try:
        partial.write_text(json.dumps(known), encoding="utf-8")
        os.replace(partial, directory / "compilers.json")
    except OSError:
        partial.unlink(missing_ok=True)


def translation_unit(model_c: str) -> str:
    # expand.c: a cluster partition's batch expansion (verikit/cluster, docs/cluster.md)
    return f'#include "vk_runtime.h"\n{model_c}\n#include "search.c"\n#include "expand.c"\n'


def cache_dir() -> Path:
    """The configured cache directory if it can be written, else a fresh temporary one."""
    configured = os.environ.get("VERIKIT_CACHE")
    root = Path(configured) if configured else Path.home() / ".cache" / "verikit"
    directory = root / "native"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".probe-"):
            return directory
    except OSError:
        return _temporary_cache()


@functools.lru_cache(maxsize=1)
def _temporary_cache() -> Path:
    return Path(tempfile.mkdtemp(prefix="verikit-native-"))


def build(source: HasC) -> Built:
    """Compile (or reuse) the shared library of a generated model and load it."""
    return build_c(source.c)


def build_model(model: object, generate: Callable[[], HasC]) -> Built:
    """The library of `model`: found by the model itself when it was built before, so a
    cached run generates no C (generating raft's costs 30-70 ms, finding and loading its
    library 1 ms); else `generate()`d and built, and remembered under the model's key too."""
    compiler = find_compiler()
    alias = cache_dir() / f"vk-m-{_model_key(model, compiler)}.so"
    if alias.exists():
        try:
            return Built(NativeLibrary(alias), alias, True, 0.0)
        except OSError:
            alias.unlink(missing_ok=True)  # a damaged entry: build it again
    built = build(generate())
    partial = alias.with_name(f"{alias.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:  # a second name of the same file, whole or absent
        os.link(built.path, partial)
        os.replace(partial, alias)
    except OSError:
        partial.unlink(missing_ok=True)
    return built


def _model_key(model: object, compiler: Compiler) -> str:
    """A hash of everything that decides a model's library without generating its C: the
    model (its repr lists every field of the IR, spans included), the code that turns it into
    C (verikit/native and verikit/core), the runtime, the compiler and its flags."""
    digest = hashlib.sha256(repr(model).encode())
    for part in (_generator_stamp(), compiler.path, compiler.identity, " ".join(FLAGS)):
        digest.update(b"\0")
        digest.update(part.encode())
    return digest.hexdigest()[:32]


@functools.lru_cache(maxsize=1)
def _generator_stamp() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).parent
    files = [*package.glob("*.py"), *(package.parent / "core").glob("*.py"), *RUNTIME.iterdir()]
    for path in sorted(files):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_c(model_c: str) -> Built:
    compiler = find_compiler()
    unit = translation_unit(model_c)
    key = _key(unit, compiler)
    directory = cache_dir()
    library_path = directory / f"vk-{key}.so"
    if library_path.exists():
        try:
            return Built(NativeLibrary(library_path), library_path, True, 0.0)
        except OSError:
            library_path.unlink(missing_ok=True)  # a damaged entry: build it again
    started = time.monotonic()
    # names of this process's own: other processes may be building the same entry right now
    mine = f"{os.getpid()}-{secrets.token_hex(4)}"
    c_file = directory / f"vk-{key}.{mine}.c"
    c_file.write_text(unit, encoding="utf-8")
    partial = directory / f"vk-{key}.{mine}.so.part"
    command = [compiler.path, *FLAGS, "-I", str(RUNTIME), str(c_file), "-o", str(partial)]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        partial.unlink(missing_ok=True)
        raise NativeBuildError(f"the C compiler failed to run: {exc}", c_file) from None
    except BaseException:  # Ctrl-C: leave no half-built files behind
        partial.unlink(missing_ok=True)
        c_file.unlink(missing_ok=True)
        raise
    if run.returncode != 0:
        partial.unlink(missing_ok=True)
        detail = "\n".join(run.stderr.strip().splitlines()[:20])
        raise NativeBuildError(
            f"the C compiler rejected the generated code (kept in {c_file}):\n{detail}", c_file
        )
    os.replace(partial, library_path)  # whole or absent: another process may load it
    os.replace(c_file, directory / f"vk-{key}.c")  # kept beside it, to read
    seconds = time.monotonic() - started
    return Built(NativeLibrary(library_path), library_path, False, seconds)


def _key(unit: str, compiler: Compiler) -> str:
    digest = hashlib.sha256()
    for part in (unit, compiler.path, compiler.identity, " ".join(FLAGS)):
        digest.update(part.encode())
        digest.update(b"\0")
    for name in ("vk_runtime.h", "search.c", "expand.c"):
        digest.update((RUNTIME / name).read_bytes())
    return digest.hexdigest()[:32]
