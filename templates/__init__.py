"""The DOCX templates, installed as the package ``ocop.templates`` (see setup.py)."""
