"""verikit: model checking for distributed protocols.

    from verikit import api
    report = api.check_file("specs/two_phase_commit.dsl")
    print(report.verdict)

The pipeline (syntax → semantics → compile → engine → trace) is described in
docs/architecture.md; `verikit.api` is the public entry point.
"""

__version__ = "0.1.0"
