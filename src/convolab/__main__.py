"""``python -m convolab``: the same as the ``convolab`` script."""

import sys

from convolab.cli import main

if __name__ == "__main__":
    sys.exit(main())
