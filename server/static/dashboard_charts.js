// Throughput charts (Chart.js, vendored): units picked and orders packed per hour, today against
// yesterday, today per station and per operator. Live events add to the current hour between snapshots
// (per operator: each snapshot).
(function () {
  "use strict";
  const css = getComputedStyle(document.documentElement);
  const TODAY = css.getPropertyValue("--chart-today").trim() || "#1565c0";
  const YESTERDAY = css.getPropertyValue("--chart-yesterday").trim() || "#9e9e9e";
  const PACKED = css.getPropertyValue("--chart-packed").trim() || "#2e7d32";
  const hours = Array.from({length: 24}, (_, h) => `${String(h).padStart(2, "0")}:00`);

  function hourly(canvas, words, lang) {
    return new Chart(canvas, {
      type: "bar",
      data: {labels: hours, datasets: [
        {label: words.yesterday, data: new Array(24).fill(0), backgroundColor: YESTERDAY},
        {label: words.today, data: new Array(24).fill(0), backgroundColor: TODAY},
      ]},
      options: {animation: false, responsive: true, maintainAspectRatio: false, locale: lang,
                plugins: {legend: {position: "bottom"}},
                scales: {y: {beginAtZero: true, ticks: {precision: 0}}}},
    });
  }

  function perStation(canvas, words, lang) {
    return new Chart(canvas, {
      type: "bar",
      data: {labels: [], datasets: [
        {label: words.units, data: [], backgroundColor: TODAY},
        {label: words.packs, data: [], backgroundColor: PACKED},
      ]},
      options: {animation: false, responsive: true, maintainAspectRatio: false, indexAxis: "y", locale: lang,
                plugins: {legend: {position: "bottom"}}, scales: {x: {beginAtZero: true, ticks: {precision: 0}}}},
    });
  }

  // One colour per operator, in the order the server sorts them (by name): stable between snapshots.
  const PALETTE = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#4e342e", "#ad1457",
                   "#558b2f", "#283593"];

  function stacked(canvas, lang) {
    return new Chart(canvas, {
      type: "bar",
      data: {labels: hours, datasets: []},
      options: {animation: false, responsive: true, maintainAspectRatio: false, locale: lang,
                plugins: {legend: {position: "bottom"}},
                scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}},
    });
  }

  window.ColisCharts = function (words, lang) {
    const byOperator = {units: stacked(document.getElementById("chart-operator-units"), lang),
                        packed: stacked(document.getElementById("chart-operator-packed"), lang)};
    const units = hourly(document.getElementById("chart-units"), words, lang);
    const packed = hourly(document.getElementById("chart-packed"), words, lang);
    const stations = perStation(document.getElementById("chart-stations"), words, lang);
    let lastAt = null, hour = new Date().getHours();
    const charts = {units, packed};

    function draw(t) {
      if (!t || t.at === lastAt) return false;  // the same computation: keep what live events added
      lastAt = t.at; hour = t.hour;
      for (const [key, chart] of Object.entries(charts)) {
        chart.data.datasets[0].data = t[key].yesterday.slice();
        chart.data.datasets[1].data = t[key].today.slice();
        chart.update();
      }
      stations.data.labels = t.stations.map((s) => s.station);
      stations.data.datasets[0].data = t.stations.map((s) => s.units);
      stations.data.datasets[1].data = t.stations.map((s) => s.packed);
      stations.update();
      return true;
    }

    function add(key, station) {
      const chart = charts[key];
      chart.data.datasets[1].data[hour] += 1;
      chart.update();
      let i = stations.data.labels.indexOf(station);
      if (i < 0) {
        stations.data.labels.push(station);
        stations.data.datasets.forEach((d) => d.data.push(0));
        i = stations.data.labels.length - 1;
      }
      stations.data.datasets[key === "units" ? 0 : 1].data[i] += 1;
      stations.update();
    }

    function total(key) {
      return charts[key].data.datasets[1].data.reduce((a, b) => a + b, 0);
    }

    // Per operator, today hour by hour: redrawn from each snapshot (every few seconds).
    function operators(rows) {
      for (const [key, chart] of Object.entries(byOperator)) {
        chart.data.datasets = rows.map((o, i) => ({label: o.operator, data: o.hourly[key].slice(),
                                                   backgroundColor: PALETTE[i % PALETTE.length]}));
        chart.update();
      }
    }

    return {draw, add, total, operators};
  };
})();
