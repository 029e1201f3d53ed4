// Kiosk screen of a Colis station: draws what /screen.json says, nothing more.
// The server decides the state; this page only draws it and forwards codes.
"use strict";

const T = JSON.parse(document.getElementById("texts").textContent);
const $ = (id) => document.getElementById(id);
let version = -1;
let lastMessageId = 0;
let audio = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([key, value]) => { node[key] = value; });
  children.forEach((child) => node.append(child instanceof Node ? child : String(child ?? "")));
  return node;
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

function beep(ok) {
  // High short tone for ok, low buzz for error: the operator hears it without looking.
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = ok ? "sine" : "square";
    osc.frequency.value = ok ? 1760 : 180;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + (ok ? 0.12 : 0.45));
  } catch (err) { /* no audio device: the colour flash still shows */ }
}

function drawMessage(screen) {
  const box = $("message");
  const message = screen.message;
  box.className = "message" + (message ? " " + message.level : "");
  box.textContent = message ? message.text : "";
  box.dataset.code = message ? message.code : "";
  // Flash and beep once per new message; not for the one already shown at page load.
  const isNew = version !== -1 && screen.message_id !== lastMessageId;
  if (message && isNew && (message.level === "ok" || message.level === "error")) {
    box.classList.remove("flash");
    void box.offsetWidth;  // restart the animation
    box.classList.add("flash");
    beep(message.level === "ok");
  }
  lastMessageId = screen.message_id;
}

function linesTable(lines) {
  lines = lines || [];
  // Pack lines have no bin (the items are already in the tote): no empty column then.
  const withBins = lines.some((line) => line.bin);
  const cells = (item, bin, qty) => (withBins ? [item, bin, qty] : [item, qty]);
  const head = el("tr", {}, ...cells(el("th", {}, T.item), el("th", {}, T.bin), el("th", {}, T.quantity)));
  const rows = lines.map((line) => el("tr", { className: line.done >= line.quantity ? "done" : "" },
    ...cells(el("td", {}, line.name, " ", el("small", {}, line.sku)),
             el("td", {}, line.bin || ""),
             el("td", {}, `${line.done} / ${line.quantity}`))));
  return el("table", {}, head, ...rows);
}

function progress(task) {
  const p = task.progress || { done: 0, total: 0 };
  return el("div", {}, el("div", { className: "label" }, `${T.progress} ${p.done} / ${p.total}`),
            el("progress", { max: p.total || 1, value: p.done }));
}

const drawTask = {
  pick(task) {
    const line = task.next || {};
    return [el("div", { className: "row" }, field(T.bin, line.bin || "—", true),
                field(T.quantity, `${line.done ?? 0} / ${line.quantity ?? 0}`, true)),
            field(T.item, `${line.name || ""} (${line.sku || ""})`), progress(task)];
  },
  pack(task) {
    return [field(T.order, task.order, true), linesTable(task.lines), progress(task)];
  },
};

function drawRma(rma) {
  const customer = rma.customer || {};
  const address = customer.address || {};
  const addressText = [address.line1, address.line2, `${address.postal_code || ""} ${address.city || ""}`,
                       address.country].filter(Boolean).join(", ");
  const items = (rma.lines || []).map((line) => el("tr", {}, el("td", {}, line.name, " ", el("small", {}, line.sku)),
    el("td", {}, line.quantity), el("td", {}, euros(line.unit_price_cents, rma.order && rma.order.currency))));
  return [el("div", { className: "row" }, field(T.rma, rma.rma, true), field(T.order, (rma.order || {}).reference)),
          field(T.customer, `${customer.name || ""} — ${addressText}`),
          el("div", { className: "label" }, T.items), el("table", {}, ...items),
          field(T.refund, euros((rma.refund || {}).amount_cents, (rma.refund || {}).currency), true)];
}

function stateTitle(screen) {
  const titles = { idle: T.idle, pick: T.scan_item, pack: T.scan_item, print_label: T.print_label,
                   return_scan: T.return_scan, return_inspect: T.rma,
                   offline: T.offline.replace("{n}", screen.waiting_scans) };
  return titles[screen.state] || screen.state;
}

function draw(screen) {
  document.body.dataset.state = screen.state;
  $("state").textContent = screen.state;
  $("state-title").textContent = stateTitle(screen);
  const offline = $("offline");
  offline.hidden = !screen.offline;
  offline.textContent = T.offline.replace("{n}", screen.waiting_scans);
  const station = screen.station || {};
  $("station").textContent = `${T.title} ${station.code || ""} ${station.name ? "— " + station.name : ""}`;
  drawPrinter(screen.printer);
  drawMessage(screen);
  const task = $("task");
  const drawer = screen.task && drawTask[screen.task.kind];
  task.replaceChildren(...(drawer ? drawer(screen.task) : []));
  task.hidden = !drawer;
  const rma = $("rma");
  rma.replaceChildren(...(screen.rma ? drawRma(screen.rma) : []));
  rma.hidden = !screen.rma;
  $("reprint").hidden = !(screen.print && screen.print.length);
}

function drawPrinter(printer) {
  const node = $("printer");
  node.hidden = !printer;
  if (!printer) return;
  node.className = printer.ready ? "" : "problem";
  node.textContent = `${T.printer}: ${printer.ready ? "OK" : printer.detail || "!"}`;
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
$("reprint").addEventListener("click", () => { post("/reprint"); $("scan-input").focus(); });
// Keyboard-wedge scanners type into whatever has focus: keep it on the input.
document.addEventListener("click", () => $("scan-input").focus());
setInterval(() => { if (document.activeElement !== $("scan-input")) $("scan-input").focus(); }, 1000);
poll();
