"""The core model as Z3 formulas: bounded model checking (and the base for k-induction).

    encode.Encoding   the model's states, initial states and transition relation as Z3 terms
    bmc.bmc           incremental bounded model checking: the shortest bad path, if any

Importing this package is cheap; z3 is loaded by its modules, which only `verikit bmc` and
`verikit check --engine smt` import (never the explicit engine). It never imports
verikit.compile, engine or trace: a counterexample leaves as decoded states, and the api turns
them into the same Trace the explicit engine produces.
"""
