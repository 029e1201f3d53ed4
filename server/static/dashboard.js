// Supervisor dashboard: one socket on /dashboard. Every (re)connect brings a fresh snapshot and
// the feed's recent history from the database; batches of events (coalesced server-side) bring
// the feed's sentences (FR and EN, made by the server) and the snapshot as it changes.
(function () {
  "use strict";
  // The page's words arrive as a JSON data block: no inline script (the CSP forbids it).
  const words = JSON.parse(document.getElementById("words").textContent);
  const web = words.web;
  const lang = document.documentElement.lang || "fr";
  const feed = document.getElementById("feed");
  const banner = document.getElementById("conn");
  const MAX_FEED = 100;
  const PICKING = ["pick", "pick_batch"];
  const PICKED_UNIT = ["counted", "task_complete"];
  const numbers = new Intl.NumberFormat(lang);
  const money = new Intl.NumberFormat(lang, {style: "currency", currency: "EUR"});
  const timeZone = words.timezone;  // the floor's, as on the server-rendered pages
  const clock = new Intl.DateTimeFormat(lang, {hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone});
  const stamp = new Intl.DateTimeFormat(lang, {weekday: "short", hour: "2-digit", minute: "2-digit", timeZone});
  const charts = window.ColisCharts(web, lang);
  let roles = {};

  function named(section, code) {
    const known = (words[section] || {})[code];
    return known === undefined ? web.unknown : known;
  }
  function setNumber(id, value) { document.getElementById(id).textContent = numbers.format(value || 0); }
  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }
  function item(text, count) {
    const li = document.createElement("li");
    const name = document.createElement("span"); name.textContent = text;
    const n = document.createElement("span"); n.className = "num"; n.textContent = count;
    li.append(name, n);
    return li;
  }
  function ago(iso) { return iso ? stamp.format(new Date(iso)) : web.never; }

  function addLine(line, atTop) {
    if (!line) return;
    feed.querySelector(".empty")?.remove();
    const li = document.createElement("li");
    li.className = `ev ${line.level}`;
    li.dataset.type = line.type;
    const time = document.createElement("time");
    time.dateTime = line.at;
    time.textContent = clock.format(new Date(line.at));
    const text = line.text[lang] || line.text.fr;
    const body = line.href ? Object.assign(document.createElement("a"), {href: line.href}) : document.createElement("span");
    body.textContent = text;
    li.append(time, " ", body);
    if (line.approve) li.append(" ", approveForm(line.approve));
    if (atTop) feed.prepend(li); else feed.append(li);
    while (feed.children.length > MAX_FEED) feed.lastChild.remove();
  }

  // A refund waiting for a supervisor (issue 8): Approve posts to the return's approve route
  // with the page's CSRF token (the sign-out form's); approving twice answers the same refund.
  function approveForm(action) {
    const form = Object.assign(document.createElement("form"), {method: "post", action, className: "inline"});
    const token = document.querySelector("input[name=csrf_token]");
    form.append(Object.assign(document.createElement("input"), {type: "hidden", name: "csrf_token", value: token ? token.value : ""}),
                Object.assign(document.createElement("button"), {type: "submit", className: "approve", textContent: web["ret.approve"]}));
    return form;
  }

  function printerText(p) {
    if (!p || !Object.keys(p).length) return [words.printer_state.unknown, "unknown"];
    if (p.ready) return [words.printer_state.ready, "ok"];
    if (p.online === false) return [words.printer.offline, "bad"];
    const problems = ["paper_out", "head_open", "ribbon_out", "paused", "buffer_full"].filter((k) => p[k]);
    return [problems.map((k) => words.printer[k]).join(", ") || words.printer.not_ready, "bad"];
  }

  function drawStations(stations) {
    roles = Object.fromEntries(stations.map((s) => [s.code, s.role]));
    document.querySelector("#stations tbody").replaceChildren(...stations.map((st) => {
      const tr = document.createElement("tr");
      const [printer, level] = printerText(st.printer);
      const scanner = (st.devices || {}).scanner || "unknown";
      const scale = (st.devices || {}).scale || "unknown";
      const scalePort = (st.devices || {}).scale_port;
      const queued = (st.devices || {}).outbox;
      tr.className = (st.online ? "online" : "offline") + (level === "bad" ? " printer-problem" : "");
      tr.dataset.station = st.code;
      const link = Object.assign(document.createElement("a"), {href: `/stations/${encodeURIComponent(st.code)}`, textContent: st.code});
      const first = document.createElement("td"); first.append(link);
      tr.append(first, cell(named("role", st.role)), cell(st.operator || "–"), cell(st.online ? web.online : web.offline, st.online ? "ok" : "bad"),
                cell(named("scanner", scanner), scanner === "disconnected" ? "bad" : scanner === "connected" ? "ok" : ""),
                cell(named("scale_state", scale) + (scalePort ? ` (${scalePort})` : ""),
                     "scale" + (scale === "disconnected" ? " bad" : scale === "connected" ? " ok" : "")),
                cell(printer, level), cell(queued == null ? "–" : numbers.format(queued), "num" + (queued ? " warn" : "")),
                cell(ago(st.last_seen)));
      return tr;
    }));
  }

  function drawSnapshot(s) {
    if (!s) return false;
    setNumber("backlog", s.backlog);
    setNumber("late", s.late);
    setNumber("at_risk", (s.cutoffs || []).reduce((n, c) => n + c.at_risk, 0));
    setNumber("on_hold", s.on_hold);
    setNumber("pick_open", (s.tasks.pick_open || 0) + (s.tasks.pick_assigned || 0));
    setNumber("pack_open", (s.tasks.pack_open || 0) + (s.tasks.pack_assigned || 0));
    setNumber("shipped", s.orders.shipped);
    setNumber("parcels_1h", s.rates.parcels_1h);
    setNumber("scans_15m", s.rates.scans_15m);
    setNumber("exceptions_15m", s.rates.exceptions_15m);
    drawStations(s.stations);
    document.querySelector("#cutoffs tbody").replaceChildren(...(s.cutoffs || []).map((c) => {
      const tr = document.createElement("tr");
      tr.className = c.late ? "late" : c.at_risk ? "at-risk" : "";
      tr.append(cell(c.name), cell(numbers.format(c.open), "num"),
                cell(numbers.format(c.at_risk), "num" + (c.at_risk ? " warn" : "")),
                cell(numbers.format(c.late), "num" + (c.late ? " bad" : "")),
                cell(c.next_cutoff ? stamp.format(new Date(c.next_cutoff)) : "–"));
      return tr;
    }));
    document.getElementById("statuses").replaceChildren(...Object.entries(s.orders).map(
      ([status, n]) => item(named("status.order", status), numbers.format(n))));
    document.getElementById("channels").replaceChildren(...Object.entries(s.channels || {}).map(
      ([channel, n]) => item((words.channel || {})[channel] || channel, numbers.format(n))));
    document.querySelector("#returns tbody").replaceChildren(...(s.returns || []).map((r) => {
      const tr = document.createElement("tr");
      tr.append(cell(named("reason", r.reason)), cell(numbers.format(r.count), "num"), cell(money.format(r.value_cents / 100), "num"));
      return tr;
    }));
    const low = (s.low_stock || []).map(
      (p) => item(`${p.sku} · ${p.name}`, `${numbers.format(p.available)} ${web.available} / ${web.reorder_point} ${numbers.format(p.reorder_point)}`));
    document.getElementById("low_stock").replaceChildren(...(low.length ? low : [item(web.none, "")]));
    if (s.operators) {
      const rows = s.operators.map((o) => {
        const tr = document.createElement("tr");
        tr.append(cell(o.operator), cell(numbers.format(o.units), "num"), cell(numbers.format(o.packed), "num"),
                  cell(numbers.format(o.units_per_hour), "num"), cell(numbers.format(o.packed_per_hour), "num"));
        return tr;
      });
      document.querySelector("#operators tbody").replaceChildren(...rows);
      charts.operators(s.operators);
    }
    return charts.draw(s.throughput);
  }

  function countLive(e) {
    if (e.type === "scan_recorded" && PICKED_UNIT.includes(e.outcome) && PICKING.includes(roles[e.station])) {
      charts.add("units", e.station);
    } else if (e.type === "task_completed" && e.kind === "pack") {
      charts.add("packed", e.station);
    }
  }

  const socket = io("/dashboard", {transports: ["websocket", "polling"]});
  socket.on("connect", () => banner.classList.add("hidden"));
  socket.on("disconnect", () => banner.classList.remove("hidden"));
  socket.on("connect_error", () => banner.classList.remove("hidden"));
  socket.on("floor_update", (update) => {
    if (update.history) {  // a (re)connect: the feed starts again from the database
      feed.replaceChildren();
      update.history.forEach((line) => addLine(line, false));
      if (!feed.children.length) feed.append(Object.assign(document.createElement("li"), {className: "empty", textContent: web.nothing_yet}));
    }
    // A freshly counted throughput already holds this batch's events (counted after their commit).
    const recounted = drawSnapshot(update.snapshot);
    update.events.forEach((e) => { if (!recounted) countLive(e); addLine(e.feed, true); });
    document.body.dataset.units = charts.total("units");
  });
})();
