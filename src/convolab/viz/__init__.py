"""Pictures of convolution, drawn from convolab's own numbers (Matplotlib Agg + Pillow).

animate_signal   -- (f*g)(t): g(t - tau) sliding over f(tau), the product's area, the result
animate_conv2d   -- a 2-D (or transposed) convolution cell by cell, windows from the engine
channels_figure  -- a multi-channel layer: H x W x C input, K kernels, K feature maps
conv_steps       -- per output cell, the input cells the engine's window reads (no drawing)
transpose_steps  -- per input cell, the output cells a transposed convolution writes
Animation        -- frames drawn on demand, per-frame metadata, ``save(path)`` streamed to
                    .gif / .mp4 (memory does not grow with the number of frames)
Picture          -- a static figure with its sizes, ``save(path)`` to .png
SignalFrame, ConvFrame, ScatterFrame -- the metadata of one frame
MAX_GRID         -- largest grid side (cells) the conv2d animation draws
MAX_FRAMES       -- most frames animate_signal draws (10,000)

Examples
--------
The demo report and notebooks use these four calls::

    from convolab import viz
    viz.animate_signal("box", "box", path="box.gif")             # 90 frames, t in the title
    viz.animate_signal("exponential", "box", path="exp_box.gif")
    viz.animate_conv2d((9, 14), (5, 5), stride=(2, 1), dilation=(1, 2), path="conv.gif")
    viz.channels_figure((8, 8), in_channels=3, out_channels=4, path="channels.png")

Each returns an :class:`Animation` (metadata in ``.metadata`` / ``.info``; frames drawn one at
a time by ``.iter_frames()``, or all kept by ``.frames``) or a :class:`Picture` (``.figure``),
and writes the file only when ``path`` is given, frame by frame. In a notebook,
``animation.frames[k]`` displays frame ``k``. ``.mp4`` needs ``ffmpeg`` on PATH.
"""

from convolab.viz._channels import Picture, channels_figure
from convolab.viz._conv2d import animate_conv2d
from convolab.viz._frames import Animation
from convolab.viz._signal import MAX_FRAMES, SignalFrame, animate_signal
from convolab.viz._steps import MAX_GRID, ConvFrame, ScatterFrame, conv_steps, transpose_steps

__all__ = [
    "MAX_FRAMES",
    "MAX_GRID",
    "Animation",
    "ConvFrame",
    "Picture",
    "ScatterFrame",
    "SignalFrame",
    "animate_conv2d",
    "animate_signal",
    "channels_figure",
    "conv_steps",
    "transpose_steps",
]
