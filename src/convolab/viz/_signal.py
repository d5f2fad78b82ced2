"""The sliding-function animation of ``(f*g)(t) = integral f(tau) g(t - tau) dtau``.

Top panel, on the tau axis: ``f(tau)`` fixed (blue), ``g(t - tau)`` reflected and sliding
(red), their product shaded (yellow): its area is the convolution at this ``t``. Bottom panel,
on the same axis read as ``t``: ``(f*g)(t)`` in black up to the current ``t``, with a marker.
Every number drawn comes from :func:`convolab.signal.continuous_convolve`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convolab._args import as_int, invalid, wrong_type
from convolab.signal import Function, continuous_convolve, get_function
from convolab.viz._frames import Animation, Layers, check_gif_fps, new_figure

FRAMES = 90  # default frame count (the issue asks for 60-120)
MAX_FRAMES = 10_000  # 11 minutes at 15 fps; drawing takes about 20 ms a frame
FPS = 15  # 90 frames play in 6 seconds
SAMPLES = 1200  # points per curve; jumps get two extra points each, so edges stay vertical
MARGIN = 0.2  # t range beyond the sum of the extents, as a fraction of its width
JUMP = 1e-9  # half-width of the vertical step drawn at each breakpoint
COLOURS = {"f": "#1f5fbf", "g": "#d62728", "area": "#ffd21f", "edge": "#b8860b", "result": "black"}


@dataclass(frozen=True)
class SignalFrame:
    """What one frame of :func:`animate_signal` shows."""

    t: float  # the shift: g(t - tau) is drawn, and (f*g)(t) is the shaded area
    value: float  # (f*g)(t) by continuous_convolve
    error: float  # its quadrature error estimate


def _as_function(value, name: str) -> Function:
    if isinstance(value, str):
        return get_function(value, name)
    if not isinstance(value, Function):
        raise wrong_type(name, value, "a library name (e.g. 'box') or a convolab.signal.Function")
    return value


def check_frames(frames, name: str = "frames") -> int:
    """``frames`` as an int from 2 to :data:`MAX_FRAMES`, or a clear error."""
    expected = f"an int from 2 to {MAX_FRAMES}"
    count = as_int(frames, name)
    if not 2 <= count <= MAX_FRAMES:
        raise invalid(name, frames, expected)
    return count


def time_range(f: Function, g: Function) -> tuple[float, float]:
    """The ``t`` interval the animation sweeps: the sum of the extents plus a margin."""
    lo, hi = f.extent[0] + g.extent[0], f.extent[1] + g.extent[1]
    pad = MARGIN * (hi - lo)
    return lo - pad, hi + pad


def _grid(lo: float, hi: float, jumps) -> np.ndarray:
    """A dense grid on [lo, hi] with two points straddling each jump."""
    jumps = np.asarray([j for j in jumps if lo < j < hi])
    points = np.concatenate([np.linspace(lo, hi, SAMPLES), jumps - JUMP, jumps + JUMP])
    return np.sort(points)


def _peak(fn: Function) -> tuple[float, float]:
    """Smallest and largest value of ``fn`` on its extent (sampled)."""
    values = fn(_grid(*fn.extent, fn.breakpoints))
    return float(values.min()), float(values.max())


def _style(ax) -> None:
    ax.axhline(0, color="0.55", lw=0.8)
    ax.grid(alpha=0.25)
    ax.spines[["top", "right"]].set_visible(False)


def _layout(f: Function, g: Function, ts: np.ndarray, curve: np.ndarray):
    """Figure with the parts that stay put: f, axes, labels, legend. Returns fig, axes, x range."""
    fig = new_figure(7.2, 5.4, dpi=90)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    lo = min(ts[0] - g.extent[1], f.extent[0])  # leftmost tau that g(t - tau) reaches
    hi = max(ts[-1] - g.extent[0], f.extent[1])
    (f_lo, f_hi), (g_lo, g_hi) = _peak(f), _peak(g)
    ymax = max(f_hi, g_hi, f_hi * g_hi, 0.0)
    ymin = min(f_lo, g_lo, f_lo * g_hi, f_hi * g_lo, 0.0)
    tau = _grid(lo, hi, f.breakpoints)
    top.plot(tau, f(tau), color=COLOURS["f"], lw=3.2, label=f"f(τ) = {f.name}")
    top.set(xlim=(lo, hi), ylim=(ymin - 0.05 * ymax, 1.35 * ymax), ylabel="value")
    c_lo, c_hi = min(float(curve.min()), 0.0), float(curve.max())
    span = c_hi - c_lo or 1.0
    bottom.set(
        ylim=(c_lo - 0.08 * span, c_hi + 0.2 * span),
        xlabel="τ (top),  t (bottom)",
        ylabel=f"({f.name} ∗ {g.name})(t)",
    )
    _style(top)
    _style(bottom)
    fig.subplots_adjust(left=0.12, right=0.97, top=0.88, bottom=0.1, hspace=0.12)
    return fig, top, bottom, (lo, hi)


def _legend(top, g: Function) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, labels = top.get_legend_handles_labels()
    handles += [
        Line2D([], [], color=COLOURS["g"], lw=2),
        Patch(facecolor=COLOURS["area"], edgecolor=COLOURS["edge"]),
    ]
    labels += [f"g(t − τ), g = {g.name}", "f(τ)·g(t − τ): area = (f∗g)(t)"]
    top.legend(
        handles,
        labels,
        loc="upper left",
        fontsize=9,
        framealpha=0.9,
        ncols=3,
        handlelength=1.6,
        columnspacing=1.0,
    )


def animate_signal(f="box", g="box", path=None, frames: int = FRAMES, fps: int = FPS):
    """Animate ``(f*g)(t)``: g reflected and sliding over f, the product's area, the result.

    Parameters
    ----------
    f, g : str or Function
        Library names (``'box'``, ``'exponential'``, ...) or :class:`convolab.signal.Function`.
    path : str or Path, optional
        Also write the animation there (``.gif``; ``.mp4`` when ffmpeg is on PATH).
    frames : int
        Number of frames, one per value of ``t`` on an even grid: from 2 to
        :data:`MAX_FRAMES` (10,000), default 90.
    fps : int
        Frames per second of the saved file.

    Returns
    -------
    Animation
        ``metadata``: one :class:`SignalFrame` per frame, with ``t``, the value of
        ``(f*g)(t)`` and its error estimate; the frames (PIL images) are drawn on demand, and
        written one at a time when ``path`` is given, so memory does not grow with their count.
    """
    f, g = _as_function(f, "f"), _as_function(g, "g")
    count = check_frames(frames, "frames")
    fps = as_int(fps, "fps", minimum=1)
    check_gif_fps(path, fps)  # before any drawing
    ts = np.linspace(*time_range(f, g), count)  # (frames,)
    curve_t = np.union1d(np.linspace(ts[0], ts[-1], 400), ts)  # the black curve, densely
    curve, curve_errors = continuous_convolve(f, g, curve_t)  # (n,) each, n >= frames
    at = np.searchsorted(curve_t, ts)  # every t of a frame is a point of the curve
    values, errors = curve[at], curve_errors[at]  # (frames,) each

    def draw():
        painter = _Painter(f, g, ts, curve_t, curve)
        return (painter.frame(t, value) for t, value in zip(ts, values))

    metadata = [SignalFrame(float(t), float(v), float(e)) for t, v, e in zip(ts, values, errors)]
    animation = Animation(draw, metadata, fps, {"f": f, "g": g})
    if path is not None:
        animation.save(path)
    return animation


class _Painter:
    """The figure with its moving artists; :meth:`frame` sets them for one ``t`` and draws."""

    def __init__(self, f: Function, g: Function, ts, curve_t, curve):
        self.f, self.g, self.curve_t, self.curve = f, g, curve_t, curve
        fig, self.top, bottom, self.span = _layout(f, g, ts, curve)
        _legend(self.top, g)
        self.f_line = self.top.get_lines()[0]
        (self.slider,) = self.top.plot([], [], color=COLOURS["g"], lw=2)
        (self.drawn,) = bottom.plot([], [], color=COLOURS["result"], lw=2.2)
        (self.marker,) = bottom.plot([], [], "o", color=COLOURS["result"], ms=7)
        self.cursors = [
            self.top.axvline(0, ymax=0.8, color="0.35", lw=1, ls=":"),
            bottom.axvline(0, color="0.35", lw=1, ls=":"),
        ]
        self.title = fig.suptitle("", fontsize=12)
        moving = [self.f_line, self.slider, self.drawn, self.marker, self.title, *self.cursors]
        self.layers = Layers(fig, moving)

    def frame(self, t: float, value: float):
        """The picture at shift ``t``, where ``(f*g)(t) = value``."""
        f, g = self.f, self.g
        tau = _grid(*self.span, [*f.breakpoints, *(t - np.asarray(g.breakpoints))])
        self.slider.set_data(tau, g(t - tau))
        shade = self.top.fill_between(
            tau,
            f(tau) * g(t - tau),
            color=COLOURS["area"],
            edgecolor=COLOURS["edge"],
            lw=1,
            animated=True,
        )
        done = self.curve_t <= t
        self.drawn.set_data(self.curve_t[done], self.curve[done])
        self.marker.set_data([t], [value])
        for cursor in self.cursors:
            cursor.set_xdata([t, t])
        self.title.set_text(
            f"({f.name} ∗ {g.name})(t) = ∫ f(τ) g(t − τ) dτ\n"
            f"t = {t:+.2f}:  shaded area = {value:.4f}"
        )
        self.layers.restore()
        # the area goes under f, so that f's line stays visible where the two coincide
        self.layers.draw(
            shade, self.f_line, self.slider, *self.cursors, self.drawn, self.marker, self.title
        )
        shade.remove()
        return self.layers.snapshot()
