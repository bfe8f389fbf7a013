"""What verikit found, for people (text), machines (JSON) and CI systems: one module per output.

Every name is re-exported here, so callers import `from verikit.report import X`.
"""

from verikit.report.json import (
    check_schema,
    internal_to_dict,
    internal_to_json,
    json_value,
    prove_to_dict,
    prove_to_json,
    query_to_dict,
    query_to_json,
    simulation_dict,
    summary_dict,
    summary_to_json,
    to_dict,
    to_json,
)
from verikit.report.junit import to_junit
from verikit.report.markdown import to_markdown
from verikit.report.mermaid import to_mermaid
from verikit.report.reports import (
    BoundedRun,
    InternalError,
    Loaded,
    ProveReport,
    QueryReport,
    SpecReport,
    Summary,
)
from verikit.report.sarif import to_sarif
from verikit.report.text import (
    PROVE_WORDS,
    QUERY_WORDS,
    backend_line,
    internal_to_text,
    prove_to_text,
    queries_note,
    query_to_text,
    simulation_headline,
    simulation_lines,
    summary_line,
    to_text,
)

__all__ = [
    "PROVE_WORDS",
    "QUERY_WORDS",
    "BoundedRun",
    "InternalError",
    "Loaded",
    "ProveReport",
    "QueryReport",
    "SpecReport",
    "Summary",
    "backend_line",
    "check_schema",
    "internal_to_dict",
    "internal_to_json",
    "internal_to_text",
    "json_value",
    "prove_to_dict",
    "prove_to_json",
    "prove_to_text",
    "queries_note",
    "query_to_dict",
    "query_to_json",
    "query_to_text",
    "simulation_dict",
    "simulation_headline",
    "simulation_lines",
    "summary_dict",
    "summary_line",
    "summary_to_json",
    "to_dict",
    "to_json",
    "to_junit",
    "to_markdown",
    "to_mermaid",
    "to_sarif",
    "to_text",
]
