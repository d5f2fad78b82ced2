"""PyTorch layers: TensorFlow-exact 'same' padding for strided convolutions, causal padding.

pad_same      -- pad a tensor for TensorFlow 'SAME' (asymmetric pairs from convolab.shape)
Conv1dSame    -- nn.Conv1d with 'SAME' padding for any kernel, stride, dilation and groups
Conv2dSame    -- nn.Conv2d with 'SAME' padding (e.g. 224, k=7, s=2 -> pads (2, 3), out 112)
Conv3dSame    -- nn.Conv3d with 'SAME' padding
CausalConv1d  -- nn.Conv1d padded d*(k-1) before and nothing after (WaveNet, TCN)
"""

from convolab.nn._conv_same import CausalConv1d, Conv1dSame, Conv2dSame, Conv3dSame
from convolab.nn._pad_same import pad_same

__all__ = ["CausalConv1d", "Conv1dSame", "Conv2dSame", "Conv3dSame", "pad_same"]
