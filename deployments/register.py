"""Register every deployment on the Prefect server at PREFECT_API_URL for a process work pool
(the same as `ocop deploy`); workers started elsewhere with `prefect worker start --pool ocop-pool`
then run them. The deployments themselves are declared once, in flows/deployments.py.

    PREFECT_API_URL=http://prefect.internal:4200/api .venv/bin/python deployments/register.py
"""

from __future__ import annotations

import sys

from flows.cli import main

if __name__ == "__main__":
    sys.argv = ["ocop", "deploy", *sys.argv[1:]]
    main()
