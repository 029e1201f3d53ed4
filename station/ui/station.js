// Kiosk screen of a Colis station: draws what /screen.json says, nothing more.
// The server decides the state; this page only draws it and forwards codes and keys.
// Every word comes from the page's embedded catalog sections (wire/texts.py).
"use strict";

const $ = (id) => document.getElementById(id);
const T = JSON.parse($("texts").textContent);      // {kiosk, state, printer}
const CONTRACT = JSON.parse($("contract").textContent);
const K = T.kiosk;
let version = -1;
let lastMessageId = 0;
let audio = null;

// Tones per message level: the operator hears which without looking.
const SOUNDS = {
  ok: [{ type: "sine", freq: 1760, at: 0, length: 0.12 }],
  warn: [{ type: "triangle", freq: 880, at: 0, length: 0.15 }, { type: "triangle", freq: 660, at: 0.22, length: 0.15 }],
  error: [{ type: "square", freq: 180, at: 0, length: 0.45 }],
};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([key, value]) => { node[key] = value; });
  children.flat().forEach((child) => node.append(child instanceof Node ? child : String(child ?? "")));
  return node;
}

function fill(template, params) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

function field(label, value, big) {
  return el("div", {}, el("div", { className: "label" }, label),
            el("div", { className: big ? "big" : "value" }, value));
}

function euros(cents, currency) {
  const locale = document.documentElement.lang === "en" ? "en-IE" : "fr-FR";
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency || "EUR" })
    .format((cents || 0) / 100);
}

function sound(level) {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    (SOUNDS[level] || []).forEach((tone) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = tone.type;
      osc.frequency.value = tone.freq;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + tone.at);
      osc.stop(audio.currentTime + tone.at + tone.length);
    });
  } catch (err) { /* no audio device: the colour flash still shows */ }
}

function drawMessage(screen) {
  const box = $("message");
  const message = screen.message;
  box.className = "message" + (message ? " " + message.level : "");
  box.textContent = message ? message.text : "";
  box.dataset.code = message ? message.code : "";
  // Flash and sound once per new message; not for the one already shown at page load.
  const isNew = version !== -1 && screen.message_id !== lastMessageId;
  if (message && isNew && SOUNDS[message.level]) {
    box.classList.remove("flash");
    void box.offsetWidth;  // restart the animation
    box.classList.add("flash");
    sound(message.level);
  }
  lastMessageId = screen.message_id;
}

function linesTable(lines) {
  lines = lines || [];
  // Pack lines have no bin (the items are already in the tote): no empty column then.
  const withBins = lines.some((line) => line.bin);
  const cells = (item, bin, qty) => (withBins ? [item, bin, qty] : [item, qty]);
  const head = el("tr", {}, cells(el("th", {}, K.item), el("th", {}, K.bin), el("th", {}, K.quantity)));
  const rows = lines.map((line) => el("tr", { className: line.done >= line.quantity ? "done" : "" },
    cells(el("td", {}, line.name, " ", el("small", {}, line.sku)),
          el("td", {}, line.bin || ""),
          el("td", {}, `${line.done} / ${line.quantity}`))));
  return el("table", {}, head, rows);
}

function progress(task) {
  const p = task.progress || { done: 0, total: 0 };
  return el("div", {}, el("div", { className: "label" }, `${K.progress} ${p.done} / ${p.total}`),
            el("progress", { max: p.total || 1, value: p.done }));
}

const drawTask = {
  pick(task) {
    const line = task.next || {};
    const parts = [el("div", { className: "row" }, field(K.bin, line.bin || "—", true),
                      field(K.quantity, `${line.done ?? 0} / ${line.quantity ?? 0}`, true)),
                   field(K.item, `${line.name || ""} (${line.sku || ""})`)];
    if (task.scan_bin) parts.push(el("div", { id: "scan-bin", className: "label" }, `${K.scan_bin} ${line.bin}`));
    if (task.next) parts.push(pickKeys(line));
    parts.push(progress(task));
    return parts;
  },
  pack(task) {
    const head = [field(K.order, task.order, true)];
    if (task.tote) head.push(field(K.tote, task.tote, true));  // the tote the cart filled
    return [el("div", { className: "row" }, head), window.ColisPack.packLines(K, task.lines), progress(task)];
  },
  count(task) {
    // Cycle count: the bin big, then each product with counted / expected and a box to type
    // a quantity (a carton of 24 is not scanned 24 times).
    const head = el("tr", {}, el("th", {}, K.item), el("th", {}, K.counted), el("th", {}, K.expected),
                    el("th", {}, ""));
    const rows = (task.lines || []).map((line) => {
      const input = el("input", { type: "number", min: 0, step: 1, className: "count-qty", value: "" });
      input.dataset.lineId = line.id;
      const key = el("button", { type: "button", className: "count-key" }, K[`action.${CONTRACT.count}`]);
      key.dataset.lineId = line.id;
      return el("tr", { className: line.done === line.quantity ? "done" : "" },
                el("td", {}, line.name, " ", el("small", {}, `${line.sku} · ${line.gtin || ""}`)),
                el("td", { className: "counted" }, line.done), el("td", { className: "expected" }, line.quantity),
                el("td", {}, input, key));
    });
    return [el("div", { className: "row" }, field(K.bin, task.bin || "—", true),
               field(K.reason, task.reason || "")),
            el("table", { className: "count-lines" }, head, rows)];
  },
};

// The pick line's keys (issue 6): how many more units were taken (after one is scanned), and a
// bin short with its reason. They carry the line they are for, like the count's keys.
function pickKeys(line, typed = true) {
  const input = el("input", { type: "number", min: 1, step: 1, className: "pick-qty", value: "" });
  const more = el("button", { type: "button", className: "pick-key" }, K[`action.${CONTRACT.quantity}`]);
  const shorts = (CONTRACT.short_reasons || []).map((reason) => {
    const key = el("button", { type: "button", className: "short-key" },
                   `${K[`action.${CONTRACT.short}`]} : ${K[`short.${reason}`] || reason}`);
    key.dataset.reason = reason;
    key.dataset.lineId = line.id;
    return key;
  });
  input.dataset.lineId = more.dataset.lineId = line.id;
  // A cart's walk takes units one by one (each into its tote): no typed quantity there.
  return el("div", { id: "pick-keys", className: "row" }, ...(typed ? [input, more] : []), ...shorts);
}

function drawBatch(batch) {
  // The cart: where the unit in hand goes (huge), else the next bin, then every order's tote.
  const parts = [];
  if (batch.put) {
    parts.push(el("div", { id: "put-tote", className: "row" },
                  field(K.put_in, batch.put.slot, true), field(K.tote, batch.put.tote || "—", true)));
  } else if (batch.next) {
    const line = batch.next;
    parts.push(el("div", { className: "row" }, field(K.bin, line.bin || "—", true),
                  field(K.tote, line.slot ?? "—", true)),
               field(K.item, `${line.name || ""} (${line.sku || ""})`), pickKeys(line, false));
  }
  const head = el("tr", {}, el("th", {}, K.tote), el("th", {}, K.order), el("th", {}, K.progress));
  const rows = (batch.orders || []).map((order) => el("tr", {
    className: order.progress.done >= order.progress.total ? "done" : "" },
    el("td", {}, `${order.slot} · ${order.tote || "—"}`), el("td", {}, order.order),
    el("td", {}, `${order.progress.done} / ${order.progress.total}`)));
  parts.push(el("table", { className: "batch-orders" }, head, rows));
  return parts;
}

function reasonWords(code) {
  return K[`reason.${code}`] || code || "";
}

function counted(lines) {
  return lines.some((line) => line.seen !== undefined && line.seen !== null);
}

function gradeWords(line) {
  // Each unit's grade once given (issue 8), with the bin or quarantine it went to.
  if (!line.grade) return "—";
  return (K[`grade.${line.grade}`] || line.grade) + (line.location ? ` · ${line.location}` : "");
}

function rmaTable(lines, currency, inHand) {
  // Received, reason and grade columns only when the server sends them.
  const received = counted(lines);
  const reasons = lines.some((line) => line.reason);
  const grades = lines.some((line) => line.grade);
  const columns = [
    [K.item, (line) => [line.name, " ", el("small", {}, line.sku)]],
    [K.quantity, (line) => line.quantity],
    received && [K.received, (line) => `${line.seen ?? 0} / ${line.quantity}`],
    reasons && [K.reason, (line) => reasonWords(line.reason)],
    grades && [K.grade, gradeWords],
    [K.unit_price, (line) => euros(line.unit_price_cents, currency)],
  ].filter(Boolean);
  const head = el("tr", {}, columns.map(([label]) => el("th", {}, label)));
  const rowClass = (line) => (line.id === inHand ? "in-hand" : (received && line.seen >= line.quantity ? "done" : ""));
  const rows = lines.map((line) => el("tr", { className: rowClass(line) },
    columns.map(([, cell]) => el("td", {}, cell(line)))));
  return el("table", { className: "rma-lines" }, head, rows);
}

function drawRma(rma) {
  const customer = rma.customer || {};
  const address = customer.address || {};
  const addressText = [address.line1, address.line2, `${address.postal_code || ""} ${address.city || ""}`,
                       address.country].filter(Boolean).join(", ");
  const lines = rma.lines || [];
  const parts = [el("div", { className: "row" }, field(K.rma, rma.rma, true),
                    field(K.order, (rma.order || {}).reference)),
                 field(K.customer, `${customer.name || ""} — ${addressText}`)];
  if (counted(lines)) {
    const count = (key) => lines.reduce((sum, line) => sum + (line[key] || 0), 0);
    parts.push(el("div", { id: "rma-received" }, field(K.received, `${count("seen")} / ${count("quantity")}`, true)));
  }
  if (rma.put) parts.push(el("div", { id: "rma-put" }, field(K.put_in_bin, rma.put.bin, true)));
  return parts.concat([el("div", { className: "label" }, K.items), rmaTable(lines, (rma.order || {}).currency, rma.unit),
                       refundField(rma.refund || {}), ...historyFields(rma.history || [], (rma.order || {}).currency)]);
}

function refundField(refund) {
  // The policy's amount: an estimate until every unit is graded, then the refund recorded.
  const recorded = refund.recorded;
  const quote = refund.quote || {};
  const words = recorded
    ? `${euros(recorded.amount_cents, recorded.currency)} — ${K[`refund_status.${recorded.status}`] || recorded.status}`
    : euros(refund.amount_cents, refund.currency) + (quote.graded === false ? ` (${K.refund_estimate})` : "");
  const shown = field(recorded ? K.refund_recorded : K.refund, words, true);
  shown.id = "rma-refund";
  return shown;
}

function historyFields(history, currency) {
  // What the order's earlier returns already sent back and refunded.
  if (!history.length) return [];
  const lines = history.map((other) => el("li", {}, `${other.rma} · ${K[`return_status.${other.status}`] || other.status}` +
    ` · ${other.units}` + (other.refund ? ` · ${euros(other.refund.amount_cents, currency)}` : "")));
  return [el("div", { className: "label" }, K.history), el("ul", { id: "rma-history" }, lines)];
}

function stateTitle(screen) {
  const title = T.state[screen.state];
  return title === undefined ? "" : fill(title, { n: screen.waiting_scans });
}

function printerWords(printer) {
  if (!printer.online) return T.printer.offline;
  const problems = CONTRACT.printer_problems.filter((name) => printer[name]).map((name) => T.printer[name] || name);
  if (problems.length) return problems.join(", ");
  return printer.ready ? K.printer_ok : T.printer.not_ready;
}

// A printer that cannot print turns the whole header red and says why across the screen:
// a label that will not come out stops the bench, a corner mark would not be seen.
function drawPrinter(printer) {
  const node = $("printer");
  node.hidden = !printer;
  const fault = !!printer && !printer.ready;
  document.body.classList.toggle("printer-fault", fault);
  $("printer-banner").hidden = !fault;
  if (!printer) return;
  node.className = printer.ready ? "" : "problem";
  node.textContent = `${K.printer} — ${printerWords(printer)}`;
  if (fault) $("printer-banner").textContent = fill(K.printer_fault, { problem: printerWords(printer) });
}

// The pack bench's lines: who works here, the next scan expected, the last error, scans queued.
let lastError = "";
function drawBench(screen) {
  const operator = window.ColisPack.operatorWords(K, screen);
  $("operator").hidden = !operator;
  $("operator").textContent = operator;
  $("next-scan").textContent = screen.offline ? "" : window.ColisPack.nextScan(K, screen);
  const message = screen.message;
  if (message && message.level === "error") lastError = message.text;
  $("last-error").hidden = !lastError || (message && message.level === "error");
  $("last-error").textContent = lastError ? `${K.last_error} ${lastError}` : "";
  $("queued").hidden = !!screen.offline || !screen.waiting_scans;
  $("queued").textContent = fill(K.queued, { n: screen.waiting_scans || 0 });
  const pack = $("pack");
  pack.replaceChildren(...window.ColisPack.drawPack(K, screen));
  pack.hidden = !pack.childElementCount;
}

// The serial scanner's state from the driver (absent: keyboard-wedge only, nothing to show).
function drawScanner(scanner) {
  const node = $("scanner");
  node.hidden = !scanner;
  if (!scanner) return;
  node.className = scanner.connected ? "" : "problem";
  const words = scanner.connected ? K.scanner_ok : scanner.port ? K.scanner_disconnected : K.scanner_not_found;
  node.textContent = `${K.scanner} — ${fill(words, { port: scanner.port || "" })}`;
}

// The packing bench's scale, from its driver (absent: no scale at this station).
function drawScale(scale) {
  const node = $("scale");
  node.hidden = !scale;
  if (!scale) return;
  node.className = scale.connected ? "" : "problem";
  node.textContent = `${K.scale} — ${fill(scale.connected ? K.scale_ok : K.scale_disconnected, { port: scale.port || "" })}`;
}

function drawDeadScans(count) {
  const node = $("dead-scans");
  node.hidden = !count;
  node.textContent = count ? fill(K.dead_letters, { n: count }) : "";
}

function actionNames(screen) {
  // The pick line's keys (quantity, short) are drawn on the line itself (pickKeys).
  const names = (screen.actions || []).filter((name) => name !== CONTRACT.quantity && name !== CONTRACT.short);
  // A label waiting on this station always offers the station's own reprint key; so does the
  // last label printed, at a packing bench (torn or smudged).
  const lastLabel = screen.last_label && screen.scenario === "pack";
  if (((screen.print || []).length || lastLabel) && !names.includes(CONTRACT.reprint)) names.push(CONTRACT.reprint);
  if (screen.operator && screen.state === "idle") names.push("sign_out");
  // The count key is drawn on each counted line, next to its quantity box; the pack bench's
  // parcels and typed-weight keys next to what they act on (pack.js).
  return names.filter((name) => ![CONTRACT.count, "parcels", "weigh"].includes(name));
}

function actionButton(name, offline) {
  const button = el("button", { type: "button", className: "action", disabled: offline },
                    K[`action.${name}`] || name);
  button.dataset.action = name;
  return button;
}

function drawActions(screen) {
  const names = actionNames(screen);
  const nav = $("actions");
  nav.replaceChildren(...names.map((name) => actionButton(name, !!screen.offline)));
  nav.hidden = !names.length;
}

function draw(screen) {
  const station = screen.station || {};
  const locale = (screen.operator && screen.operator.locale) || station.locale;
  if (locale && locale !== document.documentElement.lang) {
    window.location.reload();  // another language: the operator's (signed in by badge) or the station's
    return;
  }
  document.body.dataset.state = screen.state;
  document.body.dataset.scenario = screen.scenario || "";
  $("state").textContent = screen.state;
  $("state-title").textContent = stateTitle(screen);
  $("offline").hidden = !screen.offline;
  $("station").textContent = `${K.title} ${station.code || ""} ${station.name ? "— " + station.name : ""}`;
  drawPrinter(screen.printer);
  drawScanner(screen.scanner);
  drawScale(screen.scale);
  drawDeadScans(screen.dead_scans);
  drawMessage(screen);
  drawBench(screen);
  const task = $("task");
  const drawer = screen.task && drawTask[screen.task.kind];
  task.replaceChildren(...(drawer ? drawer(screen.task) : []));
  task.hidden = !drawer;
  const batch = $("batch");
  batch.replaceChildren(...(screen.batch ? drawBatch(screen.batch) : []));
  batch.hidden = !screen.batch;
  const rma = $("rma");
  rma.replaceChildren(...(screen.rma ? drawRma(screen.rma) : []));
  rma.hidden = !screen.rma;
  window.ColisReturns.drawNote(screen.rma);
  window.ColisReturns.drawLabel(K, screen.rma);
  drawActions(screen);
  drawLabelPicture(screen);
}

// The label waiting at this station (printing, or refused by its printer), as it will print.
function drawLabelPicture(screen) {
  const node = $("label-picture");
  const job = (screen.print || [])[0];
  node.hidden = !job;
  if (!job) return;
  const src = `/label/${job.job_id}.png`;
  if (node.getAttribute("src") !== src) node.src = src;
  node.alt = `${K.label_picture || ""} ${job.job_id}`;
}

async function poll() {
  for (;;) {
    try {
      const response = await fetch(`/screen.json?after=${version}`, { cache: "no-store" });
      if (!response.ok) throw new Error(response.statusText);
      const screen = await response.json();
      if (screen.version !== version) { draw(screen); version = screen.version; }
    } catch (err) {
      await new Promise((resolve) => setTimeout(resolve, 1000));  // station restarting
    }
  }
}

async function post(path, body) {
  await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                      body: JSON.stringify(body || {}) });
}

$("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("scan-input");
  const code = input.value;
  input.value = "";
  if (code.trim()) post("/scan", { code });
});
$("actions").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button || button.disabled) return;
  button.disabled = true;  // one press, one action: the next screen draws the keys again
  const name = button.dataset.action;
  if (name === CONTRACT.reprint) post("/reprint");
  else if (name === "hand_over") {  // a reason first: the supervisor must know why
    button.disabled = false;
    const reasons = $("hand-over");
    reasons.replaceChildren(...window.ColisPack.handOver(K, CONTRACT.hand_over_reasons || []));
    reasons.hidden = !reasons.hidden;
  } else if (name === CONTRACT.extra) {  // why it came back first (returns.js)
    button.disabled = false;
    window.ColisReturns.toggleExtraReasons(K, CONTRACT.return_reasons || []);
  } else post("/action", window.ColisReturns.gradeBody(name));
});
$("hand-over").addEventListener("click", (event) => {
  const key = event.target.closest("button.reason-key");
  if (!key) return;
  $("hand-over").hidden = true;
  post("/action", { name: "hand_over", params: { reason: key.dataset.reason } });
});
$("extra-reasons").addEventListener("click", (event) => {
  const key = event.target.closest("button.extra-reason");
  if (!key) return;
  $("extra-reasons").hidden = true;
  post("/action", { name: CONTRACT.extra, params: { reason: key.dataset.reason } });
});
$("pack").addEventListener("click", (event) => {
  const boxKey = event.target.closest("button.box-key");
  if (boxKey) post("/action", { name: "box", params: { box: boxKey.dataset.box } });
  const parcelsKey = event.target.closest("#parcels-key");
  if (parcelsKey) post("/action", { name: "parcels", params: { count: Number(parcelsKey.dataset.count) } });
  if (event.target.closest("#weigh-key")) {
    const grams = ($("grams") || {}).value || "";
    if (/^\d+$/.test(grams)) post("/action", { name: "weigh", params: { grams: Number(grams) } });
  }
});
$("task").addEventListener("click", (event) => {
  const key = event.target.closest("button.count-key");
  if (!key || key.disabled) return;
  const input = $("task").querySelector(`input.count-qty[data-line-id="${key.dataset.lineId}"]`);
  const quantity = input ? input.value.trim() : "";
  if (!/^\d+$/.test(quantity)) { if (input) input.focus(); return; }
  key.disabled = true;
  post("/action", { name: CONTRACT.count,
                    params: { line_id: Number(key.dataset.lineId), quantity: Number(quantity) } });
});
// The pick line's keys, on a single pick (#task) and on a cart's walk (#batch).
function pickKeyPressed(event) {
  const key = event.target.closest("button.pick-key, button.short-key");
  if (!key || key.disabled) return;
  const lineId = Number(key.dataset.lineId);
  if (key.classList.contains("short-key")) {
    key.disabled = true;
    post("/action", { name: CONTRACT.short, params: { line_id: lineId, reason: key.dataset.reason } });
    return;
  }
  const input = $("task").querySelector("input.pick-qty");
  const quantity = input ? input.value.trim() : "";
  if (!/^\d+$/.test(quantity)) { if (input) input.focus(); return; }
  key.disabled = true;
  post("/action", { name: CONTRACT.quantity, params: { line_id: lineId, quantity: Number(quantity) } });
}
$("task").addEventListener("click", pickKeyPressed);
$("batch").addEventListener("click", pickKeyPressed);
$("task").addEventListener("keydown", (event) => {
  const input = event.target.closest("input.count-qty");
  if (input && event.key === "Enter") {
    event.preventDefault();
    $("task").querySelector(`button.count-key[data-line-id="${input.dataset.lineId}"]`).click();
  }
});
// F8: the backup printer key, when the screen offers it (a label this station's printer refused).
document.addEventListener("keydown", (event) => {
  if (event.key !== "F8") return;
  event.preventDefault();
  const key = $("actions").querySelector(`button[data-action="${CONTRACT.backup_printer}"]`);
  if (key && !key.disabled) key.click();
});
// Keyboard-wedge scanners: a burst of physical keys is a scan wherever the focus is (wedge.js).
const wedge = new window.ColisWedge.WedgeReader(CONTRACT.wedge || {}, (code) => post("/scan", { code }));
document.addEventListener("keydown", (event) => wedge.keydown(event), true);
poll();
