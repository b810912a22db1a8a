"""Official documents in the Decree 30/2020/NĐ-CP format.

- ``decree30``: the presentation rules (dates, numbers, signature lines, page constants);
- ``build_templates``: builds ``templates/*.docx`` with python-docx;
- ``renderer``: renders a template with a context (docxtpl, autoescape, StrictUndefined, NFC);
- ``conformance``: checks a DOCX against the rules;
- ``samples``: one complete sample context per template (the context contract).
"""
