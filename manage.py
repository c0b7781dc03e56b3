#!/usr/bin/env python
import sys

from yunwei.cli import main

if __name__ == "__main__":
    sys.exit(main())
