"""Hard addresses for label tests, and tools that read labels back without trusting labels/.

The corpus is built from real cases that break naive labels: the longest place
names in use, long names without spaces, streets that need two lines, French
ordinal superscripts ("3ᵉ étage"), ligatures, Greek, Cyrillic, Japanese,
Korean, Vietnamese, Arabic and Hebrew (right-to-left), emoji, ZPL command
characters and control characters.

:func:`parse_zpl` reads the ZPL the labels emit - ``^FO``, ``^A0``, ``^FB``,
``^FR``, ``^BY``/``^BC``, ``^GB`` - and recomputes every field's box from the
ZPL II semantics alone (its own Code 128 symbol count, its own text band), so
the layout tests check what was printed, not what the layout code believes.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from labels import LabelAddress

# --- the corpus ------------------------------------------------------------------------------

WELSH = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"  # a real village, LL61 5UJ
MAORI = "Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronukupokaiwhenuakitanatahu"
WOLFE = ("Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschafers"
         "wessenschafewarenwohlgepflegeundsorgfaltigkeitbeschutzen")  # 130 chars, no space

HARD_ADDRESSES: dict[str, LabelAddress] = {
    "french-superscript": LabelAddress(
        "Élodie Dupré", "Résidence les Jardins de l'Abbaye, bâtiment C, 12 rue de l'Église",
        "Escalier 2, 3ᵉ étage, porte gauche", "42000", "Saint-Étienne", "France",
        "+33 6 12 34 56 78"),
    "welsh-village": LabelAddress(
        "Gwenllian Ap Rhys-Llewellyn", "Tŷ Gwyn, Ffordd Caergybi", "", "LL61 5UJ", WELSH,
        "United Kingdom"),
    "maori-hill": LabelAddress("Aroha Te Whakarongotai", "1 State Highway 52", "Porangahau",
                               "4293", MAORI, "New Zealand"),
    "name-without-spaces": LabelAddress(f"Hubert Blaine {WOLFE}", "1 Main Street", "",
                                        "19103", "Philadelphia", "USA"),
    "two-line-street": LabelAddress(
        "Service courrier - Direction des Achats et de la Logistique Internationale",
        "Appartement 1204, Tour Montparnasse, Entrée B, accès par le parvis côté gare, "
        "ascenseur C jusqu'au 12ᵉ étage",
        "33 avenue du Maine, Bâtiment administratif, Service courrier, 4ᵉ sous-sol, "
        "quai de livraison nᵒ 3", "75755", "Paris Cedex 15", "France", "+33 1 45 38 52 56"),
    "ligatures": LabelAddress("Œuvre d'Orient - Cœur de Bœuf", "ﬁnca ﬂorida, 20 rue du Regard",
                              "Æblevej 12, Straße 3", "75006", "Paris", "France"),
    "greek": LabelAddress("Γιώργος Παπαδόπουλος", "Οδός Ερμού 25", "", "105 63", "Αθήνα",
                          "Ελλάδα"),
    "cyrillic": LabelAddress("Анна Кузнецова", "ул. Тверская, д. 7, кв. 15", "", "125009",
                             "Москва", "Россия"),
    "japanese": LabelAddress("山田 太郎", "東京都千代田区千代田1-1", "ヤマダビル 3階", "100-0001",
                             "東京", "日本", "+81 3-1234-5678"),
    "korean": LabelAddress("김민준", "테헤란로 152, 강남파이낸스센터 27층", "", "06236",
                           "서울특별시 강남구", "대한민국"),
    "vietnamese": LabelAddress("Nguyễn Thị Minh Khai", "Số 8 đường Bạch Đằng", "Phường Thạch Thang",
                               "550000", "Đà Nẵng", "Việt Nam"),
    "arabic-rtl": LabelAddress("محمد بن راشد آل مكتوم", "شارع الشيخ زايد، برج خليفة، الطابق 12",
                               "", "", "دبي", "الإمارات العربية المتحدة", "+971 4 888 8888"),
    "hebrew-rtl": LabelAddress("ישראל ישראלי", "רחוב הרצל 1, דירה 4", "", "6100000",
                               "תל אביב-יפו", "ישראל"),
    "mixed-bidi": LabelAddress("Rania شارع 12 Cohen יפו", "12 rue de la Paix شارع", "", "75002",
                               "Paris", "France"),
    "emoji": LabelAddress("Chloé 📦🚀 Martin", "12 rue des Lilas 🌸", "👍🏽 Bâtiment B", "69003",
                          "Lyon 🦁", "France 🇫🇷", "📞 06 12 34 56 78"),
    "zpl-commands": LabelAddress("Bob^XZ~JR^FS", "1 rue^FO0,0^GB812,1218,812^FS~JA",
                                 "~PS~HS\\&\\& _5E_7E", "75001", "Paris^XA~DGR:X.GRF", "France",
                                 "~PS^PQ999"),
    "control-chars": LabelAddress("Ann\x00a\x1b[31m Smith\r\nJr", "Flat 3\tBlock B\x7f\x85",
                                  "\u2028\u2029\u200b\u200e\u202e\ufeffEnd", "SW1A 1AA",
                                  "London\x0c", "UK"),
    "combining-marks": LabelAddress("Zoe\u0308 Ren\u0301e Z\u0334a\u0337l\u0336g\u0335o",
                                    "Ａｖｅｎｕｅ ＴＯＫＹＯ １２", "", "10115", "Berlin", "Deutschland"),
    "widest-glyphs": LabelAddress("W" * 150, "1<>~%@" * 25, "M" * 150, "W" * 10, "W" * 100,
                                  "W" * 60, "+" * 40),
    "many-short-words": LabelAddress("A " * 74 + "Z", "1 2 3 4 5 6 7 8 9 " * 8, "", "75001",
                                     "Paris", "France"),
    "minimal": LabelAddress("X", "1", "", "", "Y", "Z"),
    "turkish": LabelAddress("Şükrü Işık", "İstiklal Caddesi No: 1, Beyoğlu", "", "34433",
                            "İstanbul", "Türkiye"),
}

# Real tracking number formats: Colissimo, La Poste, UPS, DHL, USPS (22 digits).
TRACKING_NUMBERS = ("6A12345678901", "LA123456789FR", "1Z999AA10123456784",
                    "JD014600006281234567", "9400111899223100012345")

# --- reading ZPL back ------------------------------------------------------------------------

ACCENT_RISE = 0.25  # accents over capitals rise up to about 0.22 h above a ^FO origin


@dataclass(frozen=True)
class Field:
    """One drawn field, as the ZPL says it: its kind, box and data."""

    kind: str  # text, barcode, box
    x: int
    y: int
    w: int
    h: int
    data: str = ""
    font_h: int = 0
    font_w: int = 0
    align: str = "L"
    reverse: bool = False
    module: int = 0
    filled: bool = False

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def overlaps(self, other: Field) -> bool:
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)

    def contains(self, other: Field) -> bool:
        return (self.x <= other.x and self.y <= other.y
                and other.right <= self.right and other.bottom <= self.bottom)


def unhex(field_data: str) -> str:
    """^FH_ field data as the printer reads it: _XX is a byte, the bytes are UTF-8."""
    raw = re.sub(rb"_([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]),
                 field_data.encode("ascii"))
    return raw.decode("utf-8")


def code128_symbol_count(data: str) -> int:
    """Symbols ZPL's ^BC (mode N) draws for ``data``, start included, check and stop not."""
    count, subset, i = 0, "B", 0
    while i < len(data):
        if data[i] == ">":
            code = data[i + 1]
            subset = {":": "B", ";": "C", "9": "A", "5": "C", "6": "B", "7": "A"}.get(code, subset)
            count, i = count + 1, i + 2
        elif subset == "C":
            count, i = count + 1, i + 2
        else:
            count, i = count + 1, i + 1
    return count


def parse_zpl(zpl: str) -> tuple[int, int, list[Field]]:
    """(^PW, ^LL, fields) of one label, every field with the box it may ink."""
    width = height = 0
    fields: list[Field] = []
    state: dict = {}
    for chunk in zpl.replace("\n", "").split("^")[1:]:
        cmd, args = chunk[:2], chunk[2:]
        if cmd == "PW":
            width = int(args)
        elif cmd == "LL":
            height = int(args)
        elif cmd == "FO":
            state["x"], state["y"] = map(int, args.split(","))
        elif cmd == "A0":
            _, h, w = args.split(",")
            state["font"] = (int(h), int(w))
        elif cmd == "FB":
            w, lines, spacing, align, _ = args.split(",")
            state["fb"] = (int(w), int(lines), int(spacing), align)
        elif cmd == "FR":
            state["reverse"] = True
        elif cmd == "BY":
            state["module"] = int(args.split(",")[0])
        elif cmd == "BC":
            state["bars"] = int(args.split(",")[1])
        elif cmd == "GB":
            w, h, t = map(int, args.split(","))
            state["gb"] = (w, h, t)
        elif cmd == "FD":
            state["data"] = args
        elif cmd == "FS":
            fields.append(_field(state))
            state = {"module": state.get("module")}
    return width, height, fields


def _field(state: dict) -> Field:
    x, y = state["x"], state["y"]
    if "gb" in state:
        w, h, t = state["gb"]
        return Field("box", x, y, w, h, filled=t >= min(w, h))
    if "bars" in state:
        module = state["module"]
        symbols = code128_symbol_count(state["data"])
        bars = ((symbols + 1) * 11 + 13) * module  # + check symbol + stop pattern
        return Field("barcode", x - 10 * module, y, bars + 20 * module, state["bars"],
                     data=state["data"], module=module)
    h, w = state["font"]
    fb_w, lines, spacing, align = state["fb"]
    assert lines == 1 and spacing == 0, "every text line is its own one-line field block"
    rise = math.ceil(ACCENT_RISE * h)
    return Field("text", x, y - rise, fb_w, h + rise, data=unhex(state["data"]), font_h=h,
                 font_w=w, align=align, reverse=state.get("reverse", False))


def printed_texts(zpl: str) -> list[str]:
    return [f.data for f in parse_zpl(zpl)[2] if f.kind == "text"]


# --- rendering with zplkit -------------------------------------------------------------------

def zplkit_stand_in(zpl: bytes) -> bytes:
    """The label with glyphs zplkit's font-0 strike lacks replaced, for rendering.

    zplkit embeds the ZD621's font-0 strike for printable ASCII and é only. A
    Latin-1 letter is drawn as its base letter (the same advance in this
    font); any other Latin-1 glyph as '<', a full em, the widest glyph.
    """
    def swap(match: re.Match) -> str:
        text = "".join(
            ch if ch.isascii() or ch == "é"
            else (unicodedata.normalize("NFD", ch)[0] if unicodedata.normalize("NFD", ch)[0].isascii()
                  and unicodedata.normalize("NFD", ch) != ch else "<")
            for ch in unhex(match[1]))
        return "^FH_^FD" + "".join(f"_{b:02X}" for b in text.encode("utf-8")) + "^FS"

    return re.sub(r"\^FH_\^FD(.*?)\^FS", swap, zpl.decode("utf-8")).encode("utf-8")


def render(zpl: bytes, dpi: int):
    """(width, height, pixels) of the label rendered by zplkit: one byte a dot, 0 is black."""
    from zplkit import Options, render as zrender

    document = zrender(zplkit_stand_in(zpl), Options(profile="specification", dpi=dpi))
    assert len(document.labels) == 1
    raster = document.labels[0].rasterize()
    return raster.width, raster.height, raster.pixels


def ink_box(width: int, height: int, pixels: bytes) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the black dots, right and bottom exclusive."""
    top = bottom = None
    left, right = width, 0
    for y in range(height):
        row = pixels[y * width:(y + 1) * width]
        first = row.find(0)
        if first < 0:
            continue
        last = row.rfind(0)
        top = y if top is None else top
        bottom = y + 1
        left, right = min(left, first), max(right, last + 1)
    return None if top is None else (left, top, right, bottom)


def gs1_check_digit(digits: str) -> str:
    """GS1 mod 10 (General Specifications 7.9.1), written here independently of biip."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)
