"""Serve every deployment from this one process (the same as `ocop serve`).

    .venv/bin/python deployments/serve.py [--host 127.0.0.1] [--port 4200]

The deployments themselves are declared once, in flows/deployments.py.
"""

from __future__ import annotations

import sys

from flows.cli import main

if __name__ == "__main__":
    sys.argv = ["ocop", "serve", *sys.argv[1:]]
    main()
