// The packing bench's parts of the kiosk: the order's lines with their barcodes' pictures, the
// box to take, the weight the scale must read, the parcel just shipped, the operator, the
// hand-over reasons. Drawn from screen.pack / screen.operator (server/services/pack_screens.py).
"use strict";

(() => {
  const make = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => { node[key] = value; });
    children.flat().forEach((child) => node.append(child instanceof Node ? child : String(child ?? "")));
    return node;
  };
  const box = (K, label, value, big) => make("div", {}, make("div", { className: "label" }, label),
                                             make("div", { className: big ? "big" : "value" }, value));

  // Each line of the order: its barcode's picture (what to look for on the item), name, count.
  function packLines(K, lines) {
    const head = make("tr", {}, make("th", {}, K.barcode), make("th", {}, K.item), make("th", {}, K.quantity));
    const rows = (lines || []).map((line) => {
      const picture = line.gtin ? make("img", { className: "barcode", alt: line.gtin,
                                                src: `/barcode/${encodeURIComponent(line.gtin)}.svg` }) : "";
      const row = make("tr", { className: line.done >= line.quantity ? "done" : "" },
                       make("td", {}, picture), make("td", {}, line.name, " ", make("small", {}, line.sku)),
                       make("td", { className: "count" }, `${line.done} / ${line.quantity}`));
      row.dataset.lineId = line.id;
      return row;
    });
    return make("table", { className: "pack-lines" }, head, rows);
  }

  function boxes(K, pack) {
    const keys = (pack.boxes || []).map((item) => {
      const key = make("button", { type: "button", className: "box-key" + (item.code === pack.proposed ? " proposed" : "") },
                       item.label, item.code === pack.proposed ? make("small", {}, ` (${K.proposed})`) : "");
      key.dataset.box = item.code;
      return key;
    });
    const more = make("button", { type: "button", id: "parcels-key" },
                      `${K["action.parcels"]} (${K.parcels} ${pack.parcels || 1})`);
    more.dataset.count = (pack.parcels || 1) + 1;  // an order too big for one box: n of m labels
    return make("div", { id: "boxes", className: "row" }, keys, more);
  }

  function weighing(K, pack, scale) {
    const expected = pack.parcel_expected_g ?? pack.expected_g;  // several parcels: the one on the scale
    const parts = [make("div", { className: "row" },
                        box(K, K.box, pack.box || "—", true),
                        box(K, K.expected_weight, expected != null ? `${expected} g` : "—", true))];
    if ((pack.parcels || 1) > 1) parts[0].append(box(K, K.parcels, `${(pack.weighed || 0) + 1} / ${pack.parcels}`, true));
    if (pack.contents && pack.contents.length) {  // what goes in the parcel on the scale (several parcels)
      const rows = pack.contents.map((line) => make("li", {}, `${line.quantity} × ${line.name} `, make("small", {}, line.sku)));
      parts.push(make("div", { id: "parcel-contents" }, make("div", { className: "label" }, K.parcel_contents),
                      make("ul", {}, rows)));
    }
    if (!scale) {  // no scale on this bench: the weight is typed
      const input = make("input", { type: "number", min: 1, step: 1, id: "grams", className: "count-qty" });
      const key = make("button", { type: "button", id: "weigh-key" }, K["action.weigh"]);
      parts.push(make("div", { className: "row" }, box(K, K.measured_weight, input), key));
    }
    return parts;
  }

  function drawPack(K, screen) {
    const pack = screen.pack;
    if (!pack) return [];
    const parts = [];
    if (pack.last) {
      parts.push(make("div", { id: "shipped", className: "row" }, box(K, K.order, pack.last.order, false),
                      box(K, K.carrier, pack.last.carrier, true), box(K, K.tracking, pack.last.tracking, true)));
    }
    if (screen.state === "choose_box") parts.push(boxes(K, pack));
    if (screen.state === "weigh") parts.push(...weighing(K, pack, screen.scale));
    return parts;
  }

  function nextScan(K, screen) {
    const next = screen.pack && screen.pack.next;
    return next ? `${K.next_scan} ${K[`next.${next}`] || next}` : "";  // the colon is the language's
  }

  function operatorWords(K, screen) {
    if (screen.scenario !== "pack") return "";
    const name = screen.operator ? screen.operator.name : K.nobody;
    return `${K.operator} — ${name}`;
  }

  function handOver(K, reasons) {
    const keys = reasons.map((reason) => {
      const key = make("button", { type: "button", className: "reason-key" }, K[`hand_over.${reason}`] || reason);
      key.dataset.reason = reason;
      return key;
    });
    return keys;
  }

  window.ColisPack = { packLines, drawPack, nextScan, operatorWords, handOver };
})();
