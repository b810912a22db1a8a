"""Package layout; the rest of the configuration is in pyproject.toml.

The DOCX templates stay in the top-level ``templates/`` folder of the repository, where a clerk finds
and edits them, and are installed as the package ``ocop.templates`` (``ocop/templates/`` in the wheel).
pyproject.toml's ``packages.find`` cannot add a package from another folder, hence this file.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["ocop*", "flows*"]), "ocop.templates"],
    package_dir={"ocop.templates": "templates"},
)
