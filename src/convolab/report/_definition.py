"""Section 1: the definition, and g sliding across f in two animations."""

from __future__ import annotations

from convolab.report._context import DemoContext
from convolab.report._page import figure, paragraph, row, table

PAIRS = (("box", "box"), ("exponential", "box"))


def _animation(ctx: DemoContext, f: str, g: str) -> tuple[str, object]:
    from convolab import viz

    path, url = ctx.asset(f"{f}-{g}.gif")
    animation = viz.animate_signal(f, g, path=path, frames=60 if ctx.quick else 90)
    caption = (
        f"<b>{f} ∗ {g}</b>: f(τ) in blue stays, g(t − τ) in red slides, the yellow area is "
        "the integral at this t, and the black curve is (f ∗ g)(t) so far."
    )
    return figure(url, caption, alt=f"animation of {f} convolved with {g}"), animation


def definition_section(ctx: DemoContext) -> str:
    figures, checks = [], []
    for f, g in PAIRS:
        html, animation = _animation(ctx, f, g)
        figures.append(html)
        errors = [frame.error for frame in animation.metadata]
        checks.append((f"{f} ∗ {g}", len(animation.frames), f"{max(errors):.1e}"))
    return (
        paragraph(
            "The convolution of f and g is the integral of their product after g is reflected "
            "and shifted by t. Each frame below is one value of t; the integral is computed "
            "by adaptive quadrature split at the functions' jumps and kinks "
            "(<code>convolab.signal.continuous_convolve</code>)."
        )
        + '<div class="formula">(f ∗ g)(t) = ∫<sub>ℝ</sub> f(τ) g(t − τ) dτ</div>\n'
        + row(*figures)
        + table(["animation", "frames", "largest quadrature error estimate"], checks)
    )
