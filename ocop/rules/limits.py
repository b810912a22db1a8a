"""How long each text a clerk supplies may be, and which dates are plausible. Standard library only.

Every reader refuses a longer value with a message naming the file, row, column and limit
(``ocop.inputs``, the campaign file's model), before anything reaches the database; the
registration workbook's instructions sheet states each column's limit. The database columns are
at least this long (tests/unit/test_limits.py), so what passes here is stored on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date

# --- lengths, in characters (after NFC and trimming) ---------------------------------------------

PRODUCT_CODE = 20  # "LN-01", "SP000001"
PRODUCT_NAME = 200
PRODUCER_NAME = 200
COMMUNE = 100  # a commune's or township's name
ADDRESS = 300
PERSON_NAME = 100  # a representative, a council or secretariat member, a signer
PHONE = 20
CERTIFICATE_NUMBER = 60
CRITERION_CODE = 10  # "1.1", a score file's column
SHORT_CODE = 20  # the organs' codes in document numbers: UBND, NN, HĐOCOP
PLACE = 100  # a province, a district, a place name
BODY = 200  # an issuing body, an office; a signer's title
TITLE = 300  # a campaign's or a council's name, a person's post, a venue
DOCUMENT_NUMBER = 60  # "2077/KH-UBND"
PARAGRAPH = 3000  # one paragraph of the plan's own texts, a legal basis's title; a reason, findings

# --- dates -----------------------------------------------------------------------------------------

# The earliest OCOP certificate a registration may cite: Quảng Ninh's programme, the model of the
# national one (490/QĐ-TTg, 2018), ranked its first products in 2013. A certificate is dated at the
# latest on the campaign's evaluation deadline; a registration within the year before the
# campaign's year and the campaign's year (ocop.services.registrations.form).
EARLIEST_CERTIFICATE = date(2013, 1, 1)
