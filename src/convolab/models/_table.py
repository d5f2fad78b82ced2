"""The summary as text: a work table, a geometry-and-memory table, totals and conventions."""

from __future__ import annotations

import textwrap

from convolab.models._memory import bytes_text

CONVENTIONS = (
    "MACs: convolution = output elements x C_in/groups x kernel volume (padding taps "
    "included); transposed = input elements x C_out/groups x kernel volume; dense = product "
    "of all dimensions. Elementwise ops (bias, normalisation, activations, pooling, additions)"
    " apart: one per element of the largest operand. RF: input cells seen by one output cell "
    "(widest path through branches), jump between cells, start of cell 0 (< 0: in padding)."
)


def with_unit(count: int) -> str:
    """``count`` in K, M or G by magnitude, e.g. 416,520 -> ``"416.520 K"``."""
    for scale, unit in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if count >= scale:
            return f"{count / scale:.3f} {unit}"
    return str(count)


def _dims(values) -> str:
    """``(3, 3)`` -> ``"3"``, ``(7, 1)`` -> ``"7x1"``, None -> ``""``."""
    if values is None:
        return ""
    return str(values[0]) if len(set(values)) == 1 else "x".join(str(v) for v in values)


def _table(header: tuple[str, ...], cells: list[tuple[str, ...]]) -> list[str]:
    """Rows left-aligned in the first column, right-aligned in the others."""
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))

    def line(row):
        first = row[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(row[1:], widths[1:]))])

    return [line(header), rule, *(line(c) for c in cells), rule]


def _name(row) -> str:
    return "  " * (row.depth - 1) + f"{row.name} ({row.type})"


def _work(summary) -> list[str]:
    header = ("Layer (type)", "Output shape", "Params", "MACs")
    cells = [
        (_name(r), "x".join(str(s) for s in r.output_shape), f"{r.params:,}", f"{r.macs:,}")
        for r in summary.rows
    ]
    return _table(header, cells)


def _geometry(summary) -> list[str]:
    header = ("Layer", "Kernel", "Stride", "Groups", "Frozen", "Elementwise", "RF", "Jump")
    header += ("Start", "Param mem", "Output mem", "Saved mem")
    cells = [
        (
            "  " * (r.depth - 1) + r.name,
            _dims(r.kernel),
            _dims(r.stride),
            "" if r.groups is None else str(r.groups),
            f"{r.params - r.trainable:,}",
            f"{r.elementwise:,}",
            _dims(r.receptive_field),
            _dims(r.jump),
            _dims(r.start),
            bytes_text(r.param_bytes),
            bytes_text(r.output_bytes),
            bytes_text(r.saved_bytes),
        )
        for r in summary.rows
    ]
    return _table(header, cells)


def _totals(summary) -> list[str]:
    lines = [
        f"Input: {'x'.join(str(s) for s in summary.input_size)} ({summary.model})",
        f"Total params: {summary.total_params:,} (trainable {summary.trainable_params:,})",
        f"Total MACs: {summary.total_macs:,} ({summary.macs_text})",
        f"Elementwise ops: {summary.total_elementwise:,} ({with_unit(summary.total_elementwise)})",
        f"Forward activations: {bytes_text(summary.activation_bytes)} (the input and every "
        f"operator output); saved for backward: {bytes_text(summary.saved_bytes)}",
    ]
    t = summary.training
    if t is not None:
        lines.append(
            f"Training step ({t.optimizer}, batch {summary.input_size[0]}): about "
            f"{bytes_text(t.peak)} = params {bytes_text(t.parameters)} + optimizer state "
            f"{bytes_text(t.optimizer_state)} + gradients {bytes_text(t.gradients)}"
        )
        lines.append(
            f"  + max(saved {bytes_text(t.saved_activations)}, backward working set "
            f"{bytes_text(t.backward_working_set)}, optimizer temporaries "
            f"{bytes_text(t.optimizer_temporaries)})"
        )
    return lines


def format_summary(summary) -> str:
    """The text ``str(ModelSummary)`` gives."""
    lines = [*_work(summary), "", *_geometry(summary), *_totals(summary)]
    return "\n".join([*lines, *textwrap.wrap(CONVENTIONS, 100)])
