"""The demo report: the whole story of convolution as one self-contained HTML page.

build_demo      -- compute every section and write ``index.html`` (``convolab demo``)
prepare_output  -- create the report directory, refusing one that holds a user's files
"""

from convolab.report._demo import build_demo, prepare_output

__all__ = ["build_demo", "prepare_output"]
