"""Code 128 bars as our own rectangles, for modules ``^BY`` cannot set.

``^BY`` takes a module of 1 to 10 dots. GS1 wants the SSCC's X at least 0.495 mm, which is
12 dots at 600 dpi (0.508 mm), so at 600 dpi the SSCC is drawn bar by bar with ``^GB``
filled boxes instead of ``^BC``. The symbol is the one ``^BC`` would draw for the same field
data (ZPL's invocation codes: ``>;`` start C, ``>8`` FNC1, ``>5``/``>6``/``>7`` code C/B/A,
``><`` a literal ``>``), with its mod-103 check symbol and the stop pattern. Patterns are
python-barcode's table (ISO/IEC 15417).
"""
from __future__ import annotations

from barcode.charsets.code128 import CODES, STOP

_STARTS = {":": 104, ";": 105, "9": 103}  # start B, C, A
_SWITCHES = {"5": (99, "C"), "6": (100, "B"), "7": (101, "A")}
FNC1 = 102


def symbol_values(field_data: str) -> list[int]:
    """The symbol values (start ... check) of ``^BC`` field data that opens with a start code."""
    if len(field_data) < 2 or field_data[0] != ">" or field_data[1] not in _STARTS:
        raise ValueError(f"field data must open with a start code (>: >; >9), got {field_data[:2]!r}")
    values = [_STARTS[field_data[1]]]
    subset = {104: "B", 105: "C", 103: "A"}[values[0]]
    i = 2
    while i < len(field_data):
        if field_data[i] == ">" and i + 1 < len(field_data) and field_data[i + 1] != "<":
            code = field_data[i + 1]
            if code == "8":
                values.append(FNC1)
            elif code in _SWITCHES:
                value, subset = _SWITCHES[code]
                values.append(value)
            else:
                raise ValueError(f"unsupported invocation >{code}")
            i += 2
            continue
        if field_data[i] == ">":  # "><": a literal ">"
            values.append(_char_value(">", subset))
            i += 2
            continue
        if subset == "C":
            pair = field_data[i:i + 2]
            if len(pair) != 2 or not pair.isdigit():
                raise ValueError(f"subset C needs digit pairs, got {pair!r}")
            values.append(int(pair))
            i += 2
        else:
            values.append(_char_value(field_data[i], subset))
            i += 1
    values.append((values[0] + sum(weight * value for weight, value in enumerate(values[1:], 1))) % 103)
    return values


def _char_value(char: str, subset: str) -> int:
    code = ord(char)
    if subset == "B" and 32 <= code <= 127:
        return code - 32
    if subset == "A" and 32 <= code <= 95:
        return code - 32
    if subset == "A" and code < 32:
        return code + 64
    raise ValueError(f"{char!r} cannot be encoded in subset {subset}")


def modules(field_data: str) -> str:
    """The symbol as a string of modules, '1' a bar module, '0' a space module."""
    # python-barcode's STOP is the 11-module stop character; the symbol ends with the
    # 2-module termination bar (stop pattern 2331112, 13 modules).
    return "".join(CODES[value] for value in symbol_values(field_data)) + STOP + "11"


def bar_runs(field_data: str) -> list[tuple[int, int]]:
    """Each bar as (first module, width in modules), left to right."""
    runs, start = [], None
    pattern = modules(field_data) + "0"
    for index, module in enumerate(pattern):
        if module == "1" and start is None:
            start = index
        elif module == "0" and start is not None:
            runs.append((start, index - start))
            start = None
    return runs
