"""Every code a supervisor's page can show has a name in French and English: statuses of every
entity, roles, return reasons, scan outcomes, printer conditions; the feed's sentences have the
same placeholders in both languages; and a code without a name is never shown as itself."""
from __future__ import annotations

import pytest

from server.domain import statuses
from server.domain.returns import RETURN_REASONS
from server.domain.roles import STATION_ROLES, USER_ROLES
from server.feed import PRINTER_PROBLEMS, describe, sentence
from server.services.floor import GOOD_SCANS
from wire import texts

ENTITIES = {"order": statuses.OrderStatus, "task": statuses.TaskStatus, "package": statuses.PackageStatus,
            "return": statuses.ReturnStatus, "refund": statuses.RefundStatus, "print_job": statuses.PrintJobStatus}
REFUSALS = ("wrong_item", "too_many", "not_an_item", "unreadable", "no_task", "not_a_bin", "wrong_bin", "not_in_bin",
            "not_an_rma", "rma_unknown", "not_on_rma", "not_expected", "label_pending", "task_lost", "tote_in_use",
            "bad_quantity", "server_error", "already_inspected", "bad_weight", "badge_busy", "badge_unknown",
            "box_too_small", "inspection_done", "item_noted", "no_bin", "no_reason", "no_unit", "not_a_box", "not_found",
            "order_elsewhere", "order_started", "order_taken", "other_order", "put_first", "put_in_bin", "quarantined",
            "restocked", "same_order", "short_held", "short_reallocated", "signed_in", "signed_out", "weigh_first",
            "weight_mismatch")


def _named(key: str) -> None:
    assert key in texts.CATALOG, f"{key} has no words in wire/texts.py"
    for locale in texts.LOCALES:
        assert texts.CATALOG[key].get(locale), f"{key} lacks {locale}"


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_every_status_of_every_entity_has_a_name(entity):
    for status in ENTITIES[entity]:
        _named(f"status.{entity}.{status}")


def test_every_role_reason_outcome_and_printer_condition_has_a_name():
    for role in (*USER_ROLES, *STATION_ROLES):
        _named(f"role.{role}")
    for reason in RETURN_REASONS:
        _named(f"reason.{reason}")
    for outcome in REFUSALS:
        _named(f"outcome.{outcome}")
    for outcome in GOOD_SCANS:
        key = f"outcome.{outcome}"
        if key not in texts.CATALOG:  # another helper's new outcome: at least never shown raw
            assert sentence({"type": "scan_recorded", "station": "X", "outcome": outcome}, "fr") == "X : inconnu"
    for condition in PRINTER_PROBLEMS:
        _named(f"printer.{condition}")


def test_the_feed_and_page_words_have_the_same_placeholders_in_both_languages():
    for key in texts.CATALOG:
        if key.startswith(("web.", "feed.")):
            assert texts.placeholders(key, "fr") == texts.placeholders(key, "en"), key


def test_a_feed_line_is_a_sentence_in_both_languages_with_its_link():
    line = describe({"type": "scan_recorded", "station": "PICK-02", "raw": "3760123456784", "outcome": "wrong_item"})
    assert line["text"] == {"fr": "PICK-02 : mauvais article (3760123456784)",
                            "en": "PICK-02: wrong item (3760123456784)"}
    assert line["level"] == "bad" and line["href"] == "/stations/PICK-02"
    paper = describe({"type": "printer_problem", "station": "PACK-01", "error": "paper_out", "job_id": 4})
    assert paper["text"]["fr"] == "PACK-01 : imprimante plus de papier"
    held = describe({"type": "order_on_hold", "order": "CO-0000042", "reason": "adresse", "actor": "user:sophie"})
    assert held["href"] == "/orders/CO-0000042" and held["text"]["en"] == "CO-0000042 put on hold by sophie: adresse"
    refund = describe({"type": "refund_awaiting_approval", "rma": "RMA00000007", "order": "CO-0000007",
                       "amount_cents": 23450})
    assert refund["text"]["fr"] == "Remboursement du retour RMA00000007 (234,50\xa0€) à approuver"
    assert refund["text"]["en"] == "Refund of return RMA00000007 (€234.50) awaits approval"
    assert describe({"type": "scan_recorded", "station": "PICK-01", "outcome": "counted"}) is None  # charted
    assert describe({"type": "something_new", "station": "PICK-01"}) is None  # not listed, never raw


def test_an_unknown_event_or_value_never_shows_its_code():
    assert sentence({"type": "brand_new_event", "x": 1}, "fr") == "Changement enregistré"
    odd = sentence({"type": "scan_recorded", "station": "P1", "outcome": "zz_new_code"}, "en")
    assert "zz_new_code" not in odd


def test_the_kiosk_offers_exactly_the_customers_return_reasons():
    """The returns desk's Extra key lists wire's reasons (the station cannot import the server):
    the same as a return form's, never the carrier's 'returned to sender' (a bug once: the carrier
    reason, added to the same catalogue, appeared as an eighth key at the desk)."""
    from server.domain.returns import KNOWN_REASONS
    from wire.texts_returns import CARRIER_REASONS, REASONS

    assert tuple(REASONS) == RETURN_REASONS
    assert set(REASONS) | set(CARRIER_REASONS) == set(KNOWN_REASONS)
