"""ocop: rules, services, persistence and documents of the OCOP evaluation plan.

This package never imports Prefect; the flows in ``flows/`` orchestrate it.
"""

from ocop.errors import OcopError

__all__ = ["OcopError"]
