"""Every length limit an input is checked against fits the database column that stores the value,
so what the readers accept is stored on SQLite and PostgreSQL alike (PostgreSQL refuses a longer
VARCHAR, SQLite would store it)."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from ocop.persistence.models import Campaign, Document, Person, Producer, Product, Registration
from ocop.services.council import scoring
from ocop.services.registrations import form
from ocop.services.set_up import campaign_file


def length(column) -> int:
    kind = column.property.columns[0].type
    assert isinstance(kind, String) and kind.length
    return int(kind.length)


@pytest.mark.parametrize(("column", "stored_in"), [
    (form.CODE, [Product.code]),
    (form.NAME, [Product.name, Product.name_key]),
    (form.PRODUCER, [Producer.name, Producer.name_key]),
    (form.COMMUNE, [Producer.commune]),
    (form.ADDRESS, [Producer.address]),
    (form.REPRESENTATIVE, [Producer.representative]),
    (form.PHONE, [Producer.phone]),
    (form.CERT_NUMBER, [Registration.certificate_number]),
    (scoring.PRODUCT, [Product.code]),
    (scoring.MEMBER, [Person.name]),
], ids=lambda v: getattr(v, "key", ""))
def test_a_registration_or_score_columns_limit_fits_its_database_column(column, stored_in) -> None:
    assert column.limit is not None
    assert all(column.limit <= length(c) for c in stored_in)


def test_every_text_column_of_the_registration_form_has_a_limit_or_is_a_list_value() -> None:
    lists = {form.SET.key, form.TYPE.key, form.CONFIRMED.key, form.KIND.key, form.CERT_DATE.key, form.CERT_STARS.key,
             form.REGISTERED_ON.key} | {c.key for c in form.ITEM_COLUMNS}
    assert {c.key for c in form.COLUMNS if c.limit is None} == lists


@pytest.mark.parametrize(("model", "stored_in"), [
    (campaign_file.CampaignFile, Campaign), (campaign_file.PersonIn, Person),
])
def test_the_campaign_files_limits_fit_the_columns_of_the_same_name(model, stored_in) -> None:
    shared = [name for name in model.limits if name in stored_in.__table__.columns]
    assert shared and all(model.limits[name] <= length(getattr(stored_in, name)) for name in shared)


def test_a_signers_limits_fit_the_register() -> None:
    limits = campaign_file.Signer.limits
    assert limits["name"] <= length(Document.signer_name) and limits["title"] <= length(Document.signer_title)
    assert campaign_file.Meeting.limits["venue"] <= length(Campaign.meeting_venue)
