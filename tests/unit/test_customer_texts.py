"""What customers and supervisors read about customers' orders exists in French and English,
with the same placeholders, and never shows a code."""
from __future__ import annotations

import re

import pytest

from server import feed
from server.domain.notices import KINDS
from wire import texts
from wire.texts_customer import CUSTOMER, FEED


@pytest.mark.parametrize("key", sorted(CUSTOMER))
def test_every_customer_text_is_in_both_languages_with_the_same_placeholders(key):
    assert set(texts.CATALOG[key]) >= {"fr", "en"}
    assert texts.placeholders(key, "fr") == texts.placeholders(key, "en")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_message_has_a_subject_and_a_body(kind):
    assert f"mail.{kind}.subject" in texts.CATALOG and f"mail.{kind}.body" in texts.CATALOG


@pytest.mark.parametrize("key", sorted(FEED))
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_feed_says_each_customer_event_in_a_sentence_with_no_code(key, locale):
    event = {"type": key.removeprefix("feed."), "order": "CO-0000042", "tracking": "6A00000000042",
             "action": "upgrade", "amount_cents": 300, "currency": "EUR", "expected_on": "2026-11-27",
             "actor": "user:sophie", "kind": "shipped"}
    said = feed.sentence(event, locale)
    assert said != texts.text("feed.something", locale)
    assert not re.search(r"\b(upgrade|shipped)\b|[{}]", said), said
