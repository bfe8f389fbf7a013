"""The bundled example (examples/crdt_counter) imports its modules by their own names."""

import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "examples" / "crdt_counter"
if str(EXAMPLE) not in sys.path:
    sys.path.insert(0, str(EXAMPLE))
