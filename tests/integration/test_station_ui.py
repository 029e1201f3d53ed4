"""The kiosk page over real HTTP (urllib), with a StationCore on a FakeLink."""

import json
import threading
import urllib.error
import urllib.request

import pytest

from station.core import StationCore
from station.drivers import MemoryPrinter
from station.outbox import Outbox
from station.ui.server import UiServer
from wire.contract import MAX_SCAN_CHARS
from wire.texts import section, text

from tests.stationkit import FakeLink, screen


@pytest.fixture
def station(tmp_path):
    link = FakeLink()
    link.replies["hello"] = lambda p: screen("pick", station={"code": "PICK-01", "locale": "fr"}, task={
        "id": 7, "kind": "pick", "order": "CO-0000012", "lines": [],
        "next": {"bin": "A-01-02-1", "name": "Lampe", "sku": "SKU-00042", "quantity": 2, "done": 0},
        "progress": {"done": 0, "total": 2}})
    outbox = Outbox(str(tmp_path / "outbox.sqlite"))
    core = StationCore(link, MemoryPrinter(), outbox, station_code="PICK-01", retry_interval=0.1).start()
    link.wait_calls("hello", 1)
    ui = UiServer(core, port=0, poll_timeout=1.0)
    yield ui, core, link
    ui.stop()
    core.stop()
    outbox.close()


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.headers.get("Content-Type"), response.read().decode("utf-8")


def post(url, body, content_type="application/json"):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_page_is_served_in_the_station_language(station):
    ui, _, _ = station
    status, content_type, html = get(ui.url + "/")
    assert status == 200 and content_type.startswith("text/html")
    assert '<html lang="fr">' in html
    for element_id in ("state", "state-title", "message", "task", "rma", "actions", "offline", "dead-scans",
                       "printer", "scan-input", "operator", "next-scan", "last-error", "queued", "pack",
                       "printer-banner", "hand-over"):
        assert f'id="{element_id}"' in html
    texts = json.loads(html.split('<script id="texts" type="application/json">')[1].split("</script>")[0])
    assert texts == {prefix: section(prefix, "fr") for prefix in ("kiosk", "state", "printer", "scale")}
    assert "Emplacement" in html and "Quantité" in html and "Hors ligne" in html
    assert 'src="/station.js"' in html and 'src="/wedge.js"' in html and 'src="/pack.js"' in html


def test_the_script_and_style_are_served_locally(station):
    ui, _, _ = station
    status, content_type, script = get(ui.url + "/station.js")
    assert status == 200 and "javascript" in content_type
    assert "document.body.dataset.state" in script and "http" not in script.split("fetch")[0]
    assert get(ui.url + "/station.css")[0] == 200


def test_an_item_barcode_picture_is_drawn_locally(station):
    ui, _, _ = station
    status, content_type, svg = get(ui.url + "/barcode/4006381333931.svg")  # a valid EAN-13: drawn as one
    assert status == 200 and content_type.startswith("image/svg+xml") and "<svg" in svg
    assert ">4006381333931<" in svg
    status, _, svg = get(ui.url + "/barcode/TOTE-0042.svg")  # anything else: Code 128
    assert status == 200 and "<svg" in svg
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(ui.url + "/barcode/%C3%A9%E2%82%AC.svg")  # not drawable (no Code 128 character): no picture
    assert refused.value.code == 404


def test_screen_json_returns_the_current_screen_at_once(station):
    ui, _, _ = station
    _, _, body = get(ui.url + "/screen.json")
    view = json.loads(body)
    assert view["state"] == "pick" and view["task"]["next"]["bin"] == "A-01-02-1"
    assert view["offline"] is False and view["station"]["code"] == "PICK-01"


def test_a_typed_code_is_sent_like_a_scan_and_the_long_poll_wakes_up(station):
    ui, core, link = station
    version = core.screen()["version"]
    answer = {}

    def long_poll():
        answer.update(json.loads(get(f"{ui.url}/screen.json?after={version}")[2]))

    poller = threading.Thread(target=long_poll)
    poller.start()
    status, body = post(ui.url + "/scan", {"code": "3761234000427"})
    assert status == 202 and body["queued"] is True
    (_, payload), = link.wait_calls("scan", 1)
    assert payload["raw"] == "3761234000427" and payload["symbology"] is None
    assert payload["uuid"] == body["uuid"]
    poller.join(5)
    assert answer["version"] > version


def test_the_long_poll_gives_up_after_its_timeout_with_the_same_version(station):
    ui, core, _ = station
    version = core.screen()["version"]
    view = json.loads(get(f"{ui.url}/screen.json?after={version + 1000}")[2])
    assert view["version"] == version


def test_an_empty_or_non_json_scan_is_refused(station):
    ui, _, link = station
    assert post(ui.url + "/scan", {"code": ""})[0] == 400
    assert post(ui.url + "/scan", {"nope": 1})[0] == 400
    assert post(ui.url + "/scan", {"code": "X"}, content_type="text/plain")[0] == 400
    assert link.events("scan") == []


def test_reprint_is_queued(station):
    ui, _, link = station
    status, _ = post(ui.url + "/reprint", {})
    assert status == 202


def test_a_code_over_the_wire_limit_is_refused_with_the_reason(station):
    ui, _, link = station
    status, body = post(ui.url + "/scan", {"code": "7" * (MAX_SCAN_CHARS + 1)})
    assert status == 400 and body["error"] == text("scan_too_long", "fr", max=MAX_SCAN_CHARS)
    assert link.events("scan") == []


def test_an_operator_key_is_queued_and_sent_as_an_action(station):
    ui, core, link = station
    link.replies["action"] = lambda p: screen("return_scan")
    status, body = post(ui.url + "/action", {"name": "done"})
    assert status == 202 and body == {"queued": True}
    (_, payload), = link.wait_calls("action", 1)
    assert payload == {"name": "done", "params": {}}


def test_a_malformed_or_non_json_action_is_refused(station):
    ui, _, link = station
    assert post(ui.url + "/action", {"name": ""})[0] == 400
    assert post(ui.url + "/action", {"name": "x" * 100})[0] == 400
    assert post(ui.url + "/action", {"name": 7})[0] == 400
    assert post(ui.url + "/action", {"name": "done"}, content_type="text/plain")[0] == 400
    assert link.events("action") == []
