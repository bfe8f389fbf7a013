"""The bundled examples (examples/crdt_counter, examples/lease_lock) import their modules by
their own names."""

import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[2] / "examples"
for example in ("crdt_counter", "lease_lock"):
    if str(EXAMPLES / example) not in sys.path:
        sys.path.insert(0, str(EXAMPLES / example))
