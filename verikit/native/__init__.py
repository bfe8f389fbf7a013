"""core.Model -> C over a packed fixed-width state vector, compiled with the system C compiler
and searched natively on every core (SPIN's design; docs/native.md).

A sibling of compile/ and symbolic/ that reads only core: codegen.py writes the model's C
(successors in exactly compile's order, so ordinals and traces mean the same), build.py
compiles it into a cache, library.py loads it with ctypes, runtime/ holds the C search.
engine/native.py turns a native search into the engine's CheckResult.
"""
