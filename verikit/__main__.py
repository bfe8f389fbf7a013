"""The `verikit` program (`python -m verikit`, and the `verikit` script's entry point).

It imports the command line itself, inside a guard, so that Ctrl-C while the imports load
(a few hundred milliseconds) says "interrupted" and exits 130 like Ctrl-C at any other time,
instead of printing a KeyboardInterrupt traceback.
"""

import os
import sys


def main() -> None:
    try:
        from verikit.cli import main as run
    except KeyboardInterrupt:
        _interrupted_while_starting()
    run()


def _interrupted_while_starting() -> None:
    """Exit 130 at once: nothing has started that needs cleaning up, and an exit through the
    interpreter from inside a KeyboardInterrupt handler would report death by SIGINT."""
    sys.stderr.write("interrupted\n")
    sys.stderr.flush()
    os._exit(130)


if __name__ == "__main__":
    main()
