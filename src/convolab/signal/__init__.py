"""One-dimensional convolution: continuous (the integral) and discrete (sequences).
"""
