// Keyboard-wedge (HID) scanners in the kiosk page.
//
// Most USB scanners type what they read as a burst of keystrokes, as if on a US keyboard.
// The operating system then reads those keys with ITS layout: on AZERTY the key a scanner
// presses for "4" gives "'". So this reads the physical key (KeyboardEvent.code) and maps it
// with the US layout the scanner emulates: AZERTY, QWERTZ and UK PCs all get the scanner's
// digits and letters (and Caps Lock cannot turn "abc" into "ABC").
//
// A scan is a burst: every key within `max_gap_ms` of the one before, at least `min_length`
// keys, ended by Enter or Tab. Slower keys are a person typing and are left alone. A scan is
// caught wherever the focus is (none at all on a kiosk); if an input had it, what the burst
// typed there is taken back. The GS1 separator (GS, 0x1D), which a HID scanner sends as a key
// chord (Ctrl+] by default, or F-key/Alt+numpad sequences), is restored from `gs_keys`.
"use strict";

const WEDGE_US_KEYS = (() => {
  const keys = {};
  "1234567890".split("").forEach((digit, i) => {
    keys[`Digit${digit}`] = [digit, "!@#$%^&*()"[i]];
    keys[`Numpad${digit}`] = [digit, digit];
  });
  "abcdefghijklmnopqrstuvwxyz".split("").forEach((letter) => {
    keys[`Key${letter.toUpperCase()}`] = [letter, letter.toUpperCase()];
  });
  const pairs = { Minus: "-_", Equal: "=+", BracketLeft: "[{", BracketRight: "]}", Backslash: "\\|",
                  Semicolon: ";:", Quote: "'\"", Backquote: "`~", Comma: ",<", Period: ".>", Slash: "/?",
                  Space: "  ", NumpadDecimal: "..", NumpadAdd: "++", NumpadSubtract: "--",
                  NumpadMultiply: "**", NumpadDivide: "//" };
  Object.entries(pairs).forEach(([code, chars]) => { keys[code] = [chars[0], chars[1]]; });
  return keys;
})();
const WEDGE_TERMINATORS = new Set(["Enter", "NumpadEnter", "Tab"]);
const WEDGE_MODIFIERS = new Set(["ShiftLeft", "ShiftRight", "ControlLeft", "ControlRight", "AltLeft", "AltRight",
                                 "MetaLeft", "MetaRight", "CapsLock", "NumLock"]);
const GS = "\x1d";
const UNREADABLE = "\ufffd";  // a key no scanner character maps to: the server refuses the code

// "Control+BracketRight": the chord a keydown is, Shift left out (it only picks the character).
function wedgeChord(event) {
  const held = [event.ctrlKey && "Control", event.altKey && "Alt", event.metaKey && "Meta"].filter(Boolean);
  return [...held, event.code].join("+");
}

function parseGsKeys(setting) {
  return String(setting || "").split(",").map((chord) => chord.trim()).filter(Boolean);
}

// The text of a burst: GS sequences restored, every other key mapped as the US layout has it.
function wedgeText(keys, gsKeys) {
  let text = "";
  for (let i = 0; i < keys.length; i += 1) {
    if (gsKeys.length && gsKeys.every((chord, j) => keys[i + j] && keys[i + j].chord === chord)) {
      text += GS;
      i += gsKeys.length - 1;
      continue;
    }
    const key = keys[i];
    const chars = WEDGE_US_KEYS[key.code];
    text += chars && key.chord === key.code ? chars[key.shift ? 1 : 0] : UNREADABLE;
  }
  return text;
}

function isTextField(node) {
  return !!node && (node.tagName === "INPUT" || node.tagName === "TEXTAREA");
}

class WedgeReader {
  constructor(settings, onScan) {
    this.maxGap = Number(settings.max_gap_ms) || 50;
    this.minLength = Number(settings.min_length) || 4;
    this.gsKeys = parseGsKeys(settings.gs_keys);
    this.onScan = onScan;
    this.reset();
  }

  reset() {
    this.keys = [];
    this.last = -Infinity;
    this.field = null;  // the input focused when the burst began, and what it held then
    this.before = "";
  }

  keydown(event) {
    if (WEDGE_MODIFIERS.has(event.code) || event.repeat) return;
    const gap = event.timeStamp - this.last;
    if (gap > this.maxGap) this.startBurst();
    this.last = event.timeStamp;
    if (WEDGE_TERMINATORS.has(event.code) && !event.ctrlKey && !event.altKey) {
      if (gap <= this.maxGap && this.keys.length >= this.minLength) this.finish(event);
      this.reset();
      return;
    }
    this.keys.push({ code: event.code, chord: wedgeChord(event), shift: event.shiftKey });
    // A chord inside a burst (Ctrl+] for GS) must not reach the page as a shortcut. Plain keys
    // go on: a person typing fast must lose nothing, and a scan's keys are taken back at its end.
    if (this.keys.length > 1 && this.keys[this.keys.length - 1].chord !== event.code) event.preventDefault();
  }

  startBurst() {
    this.reset();
    const focused = document.activeElement;
    if (isTextField(focused)) {
      this.field = focused;
      this.before = focused.value;
    }
  }

  finish(event) {
    event.preventDefault();  // Enter would submit a form, Tab move the focus
    if (this.field && this.field.value !== this.before) this.field.value = this.before;
    this.onScan(wedgeText(this.keys, this.gsKeys));
  }
}

// Exposed for the page (station.js) and for tests reading the mapping.
window.ColisWedge = { WedgeReader, wedgeText, WEDGE_US_KEYS };
