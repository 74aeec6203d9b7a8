"""The benchmark's table: each page beside the framework ceiling measured right after it, as a ratio.

Absolute figures move with the machine and whatever else runs on it; a page's share of the
ceiling measured in the same minute holds. Fresh pages are compared with the template loop of the
same HTML size, pages from the shared cache with the same HTML served as a fixed template.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

LATEST_HEADING = "## Latest run"


@dataclass(frozen=True)
class Measurement:
    """One wrk run, as bench/wrk/report.lua prints it."""

    requests: int
    duration_us: int
    p50_us: int
    p95_us: int
    p99_us: int
    status_errors: int = 0
    socket_errors: int = 0

    @classmethod
    def from_wrk(cls, figures):
        return cls(**{name: figures[name] for name in cls.__dataclass_fields__ if name in figures})

    @property
    def per_second(self):
        return self.requests / (self.duration_us / 1_000_000) if self.duration_us else 0.0

    @property
    def errors(self):
        return self.status_errors + self.socket_errors


@dataclass(frozen=True)
class Row:
    catalog: str  # "10k"
    page: str
    cache: str  # "fresh" or "cached"
    html_bytes: int
    result: Measurement
    ceiling: str  # "loop × 40"
    ceiling_result: Measurement
    notes: tuple = ()

    @property
    def ratio(self):
        ceiling = self.ceiling_result.per_second
        return self.result.per_second / ceiling if ceiling else 0.0


@dataclass(frozen=True)
class Target:
    """A latency the shop promises, and what was measured."""

    name: str
    measured_ms: float
    limit_ms: float
    detail: str = ""

    @property
    def met(self):
        return self.measured_ms < self.limit_ms


@dataclass
class Report:
    rows: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    facts: list = field(default_factory=list)  # other lines: load times, SQL timings


def per_second(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def milliseconds(us):
    ms = us / 1000
    return f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}"


def kilobytes(size):
    return f"{size / 1024:.1f}"


COLUMNS = (
    "Catalog", "Page", "Cache", "req/s", "p50 ms", "p99 ms", "HTML KB", "Ceiling", "Ceiling req/s", "Ratio", "Notes",
)  # fmt: skip


def format_table(rows):
    """The rows as one Markdown table (readable as plain text too)."""
    lines = [_line(COLUMNS), _line(["---"] * len(COLUMNS))]
    for row in rows:
        notes = list(row.notes)
        for label, result in (("page", row.result), ("ceiling", row.ceiling_result)):
            if result.errors:
                notes.append(f"{result.errors} {label} errors")
        lines.append(
            _line(
                (
                    row.catalog,
                    row.page,
                    row.cache,
                    per_second(row.result.per_second),
                    milliseconds(row.result.p50_us),
                    milliseconds(row.result.p99_us),
                    kilobytes(row.html_bytes),
                    row.ceiling,
                    per_second(row.ceiling_result.per_second),
                    f"{row.ratio:.2f}",
                    "; ".join(notes),
                )
            )
        )
    return "\n".join(lines)


def _line(cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def format_target(target):
    verdict = "met" if target.met else "MISSED"
    detail = f" ({target.detail})" if target.detail else ""
    return f"- {target.name}: {target.measured_ms:.1f} ms, target < {target.limit_ms:.0f} ms: {verdict}{detail}"


def format_report(report):
    parts = [format_table(report.rows)]
    if report.targets:
        parts.append("Targets:\n\n" + "\n".join(format_target(target) for target in report.targets))
    if report.facts:
        parts.append("\n".join(f"- {fact}" for fact in report.facts))
    return "\n\n".join(parts)


def write_latest_run(path, report_text, machine_lines):
    """Put the run in `path` under LATEST_HEADING, keeping everything written above that heading."""
    path = Path(path)
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    kept = re.split(rf"^{re.escape(LATEST_HEADING)}\s*$", existing, maxsplit=1, flags=re.MULTILINE)[0].rstrip()
    machine = "\n".join(f"- {line}" for line in machine_lines)
    section = (
        f"{LATEST_HEADING}\n\n"
        "Written by `make bench`; everything above this heading is kept as it is.\n\n"
        f"{machine}\n\n{report_text}\n"
    )
    path.write_text(f"{kept}\n\n{section}", encoding="utf-8")
