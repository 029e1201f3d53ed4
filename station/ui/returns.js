// The returns desk's parts of the kiosk (issue 8): a short note on the unit in hand, sent with
// its grade (Resellable / Damaged), and the reasons an extra item came back for, chosen from
// the same list as when a return is opened (CONTRACT.return_reasons). Beside the parcel's
// details, the return label Colis made for the RMA (issue 7), drawn by the station from the ZPL
// the server sent when the RMA was opened (/return-label/<rma>.png).
"use strict";

(() => {
  const GRADE_KEYS = ["resellable", "damaged"];
  const NOTE_CHARS = 200;  // return_lines.note
  let noteFor = null;

  // The note box shows while a unit is in hand; a new unit starts with an empty note.
  function drawNote(rma) {
    const unit = (rma && rma.unit) || null;
    const input = document.getElementById("unit-note");
    document.getElementById("rma-note").hidden = !unit;
    if (unit !== noteFor) { input.value = ""; noteFor = unit; }
    if (!rma) document.getElementById("extra-reasons").hidden = true;
  }

  // What a grade key sends: its note when one was typed.
  function gradeBody(name) {
    const input = document.getElementById("unit-note");
    const note = GRADE_KEYS.includes(name) && input ? input.value.trim().slice(0, NOTE_CHARS) : "";
    return note ? { name, params: { note } } : { name };
  }

  // The Extra key opens the reasons; one press on a reason accepts the item with it.
  function toggleExtraReasons(K, reasons) {
    const nav = document.getElementById("extra-reasons");
    const keys = reasons.map((reason) => {
      const key = document.createElement("button");
      key.type = "button";
      key.className = "extra-reason";
      key.dataset.reason = reason;
      key.textContent = K[`reason.${reason}`] || reason;
      return key;
    });
    const title = document.createElement("div");
    title.className = "label";
    title.textContent = K.extra_reason;
    nav.replaceChildren(title, ...keys);
    nav.hidden = !nav.hidden;
  }

  // The picture of the RMA's return label, when the station holds one (rma.label).
  function drawLabel(K, rma) {
    const figure = document.getElementById("rma-label");
    const label = rma && rma.label;
    figure.hidden = !label;
    if (!label) return;
    const picture = document.getElementById("rma-label-picture");
    const src = `/return-label/${encodeURIComponent(rma.rma)}.png`;
    if (picture.getAttribute("src") !== src) picture.src = src;
    picture.alt = (K.return_label_alt || "").replace("{rma}", rma.rma);
    figure.querySelector("figcaption").textContent =
      `${K.return_label} (${label.printed ? K.return_label_printed : K.return_label_unprinted})`;
  }

  window.ColisReturns = { drawNote, drawLabel, gradeBody, toggleExtraReasons };
})();
