"""`python -m verikit` runs the command line."""

from verikit.cli import main

main()
