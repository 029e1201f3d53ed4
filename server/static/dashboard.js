// Supervisor dashboard: one socket on /dashboard, batches of floor events (coalesced server-side).
(function () {
  "use strict";
  // The page's words arrive as a JSON data block: no inline script (the CSP forbids it).
  const words = JSON.parse(document.getElementById("words").textContent);
  const feed = document.getElementById("feed");
  const banner = document.getElementById("conn");
  const MAX_FEED = 200;

  function setText(id, value) { document.getElementById(id).textContent = value; }

  function describe(e) {
    switch (e.type) {
      case "scan_recorded": return `${e.station} · ${e.raw} · ${e.outcome}`;
      case "task_assigned": return `${e.station} ← ${e.kind} ${e.order}`;
      case "task_completed": return `${e.station} ✓ ${e.kind} ${e.order}`;
      case "order_shipped": return `${e.order} → ${e.carrier} ${e.tracking}`;
      case "return_received": return `${e.rma} (${e.order}) · ${e.reason}`;
      case "printer_problem": return `${e.station} · ${words.printer}: ${e.error}`;
      case "sign_ins_refused": return `${words.sign_ins_refused} ×${e.count} (${e.address})`;
      case "scan_dead_lettered": return `${e.station} · ⚠ ${e.raw} · ${e.reason} (×${e.attempts})`;
      default: return [e.type, e.station || "", e.order || ""].join(" ");
    }
  }

  function addEvent(e) {
    const li = document.createElement("li");
    const bad = e.ok === false || e.type === "scan_dead_lettered";
    li.className = `ev ${e.type} ${bad ? "bad" : ""}`;
    li.dataset.type = e.type;
    li.textContent = `${new Date().toLocaleTimeString(document.documentElement.lang)} ${describe(e)}`;
    feed.prepend(li);
    while (feed.children.length > MAX_FEED) feed.lastChild.remove();
  }

  function printerText(p) {
    if (!p || !Object.keys(p).length) return "–";
    if (p.ready) return "OK";
    if (!p.online) return "offline";
    const problems = ["paper_out", "head_open", "paused", "ribbon_out"].filter((k) => p[k]);
    return problems.join(", ") || p.detail || "!";
  }

  function drawSnapshot(s) {
    if (!s) return;
    setText("backlog", s.backlog);
    setText("late", s.late);
    setText("pick_open", (s.tasks.pick_open || 0) + (s.tasks.pick_assigned || 0));
    setText("pack_open", (s.tasks.pack_open || 0) + (s.tasks.pack_assigned || 0));
    setText("shipped", s.orders.shipped || 0);
    setText("parcels_1h", s.rates.parcels_1h);
    setText("scans_15m", s.rates.scans_15m);
    setText("exceptions_15m", s.rates.exceptions_15m);
    const body = document.querySelector("#stations tbody");
    body.replaceChildren(...s.stations.map((st) => {
      const tr = document.createElement("tr");
      const printer = printerText(st.printer);
      tr.className = (st.online ? "online" : "offline") + (st.printer && st.printer.ready === false ? " printer-problem" : "");
      tr.dataset.station = st.code;
      for (const text of [st.code, st.role, st.online ? words.online : words.offline, `${words.printer}: ${printer}`]) {
        const td = document.createElement("td"); td.textContent = text; tr.append(td);
      }
      return tr;
    }));
    const reasons = document.getElementById("reasons");
    reasons.replaceChildren(...Object.entries(s.return_reasons).map(([reason, n]) => {
      const li = document.createElement("li"); li.textContent = `${reason}: ${n}`; return li;
    }));
  }

  const socket = io("/dashboard", {transports: ["websocket", "polling"]});
  socket.on("connect", () => banner.classList.add("hidden"));
  socket.on("disconnect", () => banner.classList.remove("hidden"));
  socket.on("connect_error", () => banner.classList.remove("hidden"));
  socket.on("floor_update", (update) => {
    update.events.forEach(addEvent);
    drawSnapshot(update.snapshot);
  });
})();
