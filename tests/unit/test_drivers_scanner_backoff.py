"""SerialScanner's retry loop, run synchronously with its waits recorded (no clock, no sleep):
the delay doubles up to max_retry_interval, detection runs before every attempt, and an
outage is reported once, not at every retry."""

from station.drivers import ScannerStatus, SerialScanner


def run_retries(scanner: SerialScanner, attempts: int) -> list[float]:
    waits: list[float] = []

    def wait(delay):  # stands in for Event.wait: records the pause, stops after `attempts`
        waits.append(delay)
        return len(waits) >= attempts

    scanner._stop.wait = wait
    scanner._run()
    return waits


def test_no_scanner_found_retries_with_doubling_capped_delays_and_one_status():
    lookups, statuses, errors = [], [], []
    scanner = SerialScanner(None, lambda read: None, on_error=errors.append, on_status=statuses.append,
                            retry_interval=0.05, max_retry_interval=0.5,
                            find_port=lambda: lookups.append(1))  # returns None: nothing listed
    assert run_retries(scanner, 7) == [0.05, 0.1, 0.2, 0.4, 0.5, 0.5, 0.5]
    assert len(lookups) == 7  # detection before each attempt
    assert statuses == [ScannerStatus(False, None, "no scanner found")]
    assert errors == []


def test_a_port_that_cannot_be_opened_is_reported_once_per_outage(tmp_path):
    missing = str(tmp_path / "ttyACM0")
    statuses, errors = [], []
    scanner = SerialScanner(missing, lambda read: None, on_error=errors.append, on_status=statuses.append,
                            retry_interval=0.05, max_retry_interval=0.1)
    assert run_retries(scanner, 4) == [0.05, 0.1, 0.1, 0.1]
    assert len(errors) == 1
    assert [(s.connected, s.port) for s in statuses] == [(False, missing)] and statuses[0].detail


def test_a_detection_bug_is_reported_as_a_status_never_a_crash():
    def broken():
        raise RuntimeError("udev went away")

    statuses = []
    scanner = SerialScanner(None, lambda read: None, on_status=statuses.append, retry_interval=0.05,
                            find_port=broken)
    assert run_retries(scanner, 2) == [0.05, 0.1]
    assert statuses == [ScannerStatus(False, None, "detection failed: udev went away")]
