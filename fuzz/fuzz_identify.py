"""Coverage-guided fuzzing of identify() with atheris: it must never raise.

    python fuzz/fuzz_identify.py -runs=1000000         (what `make fuzz` runs)
    python fuzz/fuzz_identify.py var/fuzz/failures/*   (replay saved inputs)

Each input is one byte choosing the symbology argument, one byte choosing how
the rest is decoded into `raw`, then the rest. The seeds (HARD_CASES, taken
from tests/unit/test_domain_scanning.py) start mutation from real GS1 data.
Exceptions are counted rather than left to crash libFuzzer, so the run ends
with one summary line; the inputs that raised are saved under var/fuzz/failures.
"""
from __future__ import annotations

import collections
import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

# Coverage feedback from biip and our domain code, not from Flask & co.
with atheris.instrument_imports(include=["biip", "server.domain"]):
    import biip  # noqa: F401
    from server.domain.scanning import CodeKind, identify

WORK = ROOT / "var" / "fuzz"
CORPUS = WORK / "corpus"  # grows across runs; var/ is not committed
SEEDS = WORK / "seeds"  # rewritten from HARD_CASES on every run
FAILURES = WORK / "failures"
DICTIONARY = Path(__file__).with_name("identify.dict")
MAX_SAVED_FAILURES = 50
# Past MAX_SCAN_LENGTH (512) even as UTF-16, so the length guard is fuzzed too.
MAX_LEN = 1100

GS = "\x1d"
GTIN = "04006381333931"
SSCC = "106141411234567897"
# Index + 1 is the first input byte; 0 means None, past the list means "take
# three bytes of the input" so arbitrary symbology strings get tried too.
SYMBOLOGIES = ["]C1", "]e0", "]d2", "]Q3", "]E0", "]E3", "]E4", "]I1", "]J1", "]A0",
               "]Y9", "]x9", "]", "]C", "C1", ""]
FREE_SYMBOLOGY = len(SYMBOLOGIES) + 1
DECODINGS = [("utf-8", "surrogateescape"), ("utf-8", "replace"), ("utf-16-le", "surrogatepass"),
             ("latin-1", "strict")]
HARD_CASES = [
    ("4006381333931", "]E0"), ("]E04006381333931", None), ("0036000291452", "]E0"),
    ("55123457", "]E4"), ("400638133393112", "]E3"), ("978187367100954499", "]E3"),
    (GTIN, "]I1"), ("01" + GTIN, "]e0"), ("01" + GTIN + "10LOT42" + GS + "17260630", "]C1"),
    ("01" + GTIN + "21SER9" + GS + "10LOT42" + GS + "17260630", "]d2"),
    ("https://id.gs1.org/01/" + GTIN, "]Q3"), ("00" + SSCC, "]C1"),
    ("00" + SSCC + "02" + GTIN + "3712", "]C1"), ("0104006381333932", "]C1"),
    ("]", None), ("]1234", None), ("]x9", None), ("]C1" + GS, None), ("]d2junk", None),
    ("01" + "4006381333931", None), ("http://[", None), ("RMA00000042", None),
    ("B-03-12-2", None), ("BADGE-7F3A91", None), ("TOTE-0042", None),
]


def decode_input(data: bytes) -> tuple[str, str | None]:
    """The (raw, symbology) pair that one fuzz input stands for."""
    if len(data) < 2:
        return data.decode("latin-1"), None
    choice, decoding, rest = data[0], data[1], data[2:]
    if choice == 0:
        symbology = None
    elif choice < FREE_SYMBOLOGY:
        symbology = SYMBOLOGIES[choice - 1]
    else:
        symbology, rest = rest[:3].decode("utf-8", "surrogateescape"), rest[3:]
    encoding, errors = DECODINGS[decoding % len(DECODINGS)]
    if encoding == "utf-16-le":
        rest = rest[: len(rest) // 2 * 2]  # whole code units; lone surrogates pass
    return rest.decode(encoding, errors), symbology


def encode_input(raw: str, symbology: str | None) -> bytes:
    choice = 0 if symbology is None else SYMBOLOGIES.index(symbology) + 1
    return bytes([choice, 0]) + raw.encode("utf-8", "surrogateescape")


class Tally:
    def __init__(self, runs: int):
        self.runs = runs
        self.inputs = 0
        self.exceptions: collections.Counter[str] = collections.Counter()
        self.kinds: set[CodeKind] = set()
        self.started = time.monotonic()

    def test_one_input(self, data: bytes) -> None:
        self.inputs += 1
        raw, symbology = decode_input(data)
        try:
            self.kinds.add(identify(raw, symbology).kind)
        except Exception as exc:  # counted and saved: the run must see every failure
            self.record_failure(data, raw, symbology, exc)
        if self.inputs == self.runs:
            self.finish()

    def record_failure(self, data: bytes, raw: str, symbology: str | None, exc: Exception) -> None:
        name = type(exc).__name__
        if sum(self.exceptions.values()) < MAX_SAVED_FAILURES:
            FAILURES.mkdir(parents=True, exist_ok=True)
            (FAILURES / hashlib.sha1(data).hexdigest()).write_bytes(data)
            print(f"identify({raw[:60]!r}, {symbology!r}) raised {name}: {exc}", file=sys.stderr)
        self.exceptions[name] += 1

    def finish(self) -> None:
        # libFuzzer ends with exit() from C, skipping Python's atexit: report
        # and leave from here, with a status make can check.
        failed = sum(self.exceptions.values())
        elapsed = time.monotonic() - self.started
        print(f"\nidentify(): {self.inputs:,} inputs, {failed:,} exceptions, "
              f"{len(self.kinds)} distinct kinds ({', '.join(sorted(self.kinds))}), "
              f"{elapsed:.0f} s", flush=True)
        for name, count in self.exceptions.most_common():
            print(f"  {name}: {count:,} (inputs in {FAILURES})", flush=True)
        os._exit(1 if failed else 0)


def write_seeds() -> None:
    SEEDS.mkdir(parents=True, exist_ok=True)
    for raw, symbology in HARD_CASES:
        data = encode_input(raw, symbology)
        (SEEDS / hashlib.sha1(data).hexdigest()).write_bytes(data)


def runs_requested(argv: list[str]) -> int:
    runs = [int(arg.split("=", 1)[1]) for arg in argv if arg.startswith("-runs=")]
    return runs[-1] if runs else -1


def replay(paths: list[Path]) -> None:
    """Run saved inputs outside libFuzzer, so a failure shows its traceback."""
    for path in paths:
        raw, symbology = decode_input(path.read_bytes())
        print(f"{path.name}: identify({raw[:60]!r}, {symbology!r}) -> {identify(raw, symbology)}")


def fuzz(argv: list[str]) -> None:
    write_seeds()
    shutil.rmtree(FAILURES, ignore_errors=True)  # report this run's failures only
    CORPUS.mkdir(parents=True, exist_ok=True)
    # New finds go to the first corpus folder; libFuzzer's own crash files
    # (only a bug in this harness makes one) to var/fuzz/, not the work tree.
    argv = argv + [f"-artifact_prefix={WORK}/", f"-dict={DICTIONARY}", f"-max_len={MAX_LEN}",
                   str(CORPUS), str(SEEDS)]
    tally = Tally(runs_requested(argv))
    atheris.Setup(argv, tally.test_one_input)
    atheris.Fuzz()


def main() -> None:
    files = [Path(arg) for arg in sys.argv[1:] if not arg.startswith("-")]
    if files:
        replay(files)
    else:
        fuzz(sys.argv)


if __name__ == "__main__":
    main()
