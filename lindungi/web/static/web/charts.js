// Charts drawn from the table they illustrate (Chart.js, vendored). The table is the data and the
// alternative for screen readers and for anyone without JavaScript; the chart only draws it.
//
//   <figure class="chart" data-chart-for="TABLE_ID" data-chart="bar" [data-axis="y"] [data-stacked]>
//   ...<table id="TABLE_ID"> with <th data-series> on the columns to draw, data-value="<number>" on
//   their cells (empty: no value, e.g. a suppressed count), and data-chart-label on each <tr>
//   (default: the text of its first cell).
(function () {
  "use strict";
  var PALETTE = ["#1d5fa6", "#c2571a", "#2e7d32", "#6a3d9a", "#8c6d1f"];

  function seriesOf(table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    return heads.map(function (th, index) { return { th: th, index: index }; })
      .filter(function (column) { return column.th.hasAttribute("data-series"); })
      .map(function (column) { return { label: column.th.textContent.trim(), index: column.index }; });
  }

  function read(table) {
    var series = seriesOf(table), labels = [];
    var values = series.map(function () { return []; });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      if (row.hasAttribute("data-chart-skip")) { return; }
      var cells = row.querySelectorAll("th, td");
      labels.push(row.getAttribute("data-chart-label") || (cells[0] ? cells[0].textContent.trim() : ""));
      series.forEach(function (column, i) {
        var cell = cells[column.index], raw = cell ? cell.getAttribute("data-value") : null;
        values[i].push(raw === null || raw === "" ? null : Number(raw));
      });
    });
    return { labels: labels, datasets: series.map(function (column, i) {
      return { label: column.label, data: values[i], backgroundColor: PALETTE[i % PALETTE.length],
               borderColor: PALETTE[i % PALETTE.length], borderWidth: 1 };
    }) };
  }

  function draw(figure) {
    var table = document.getElementById(figure.getAttribute("data-chart-for"));
    if (!table || !window.Chart || figure.querySelector("canvas")) { return; }
    var data = read(table);
    if (!data.labels.length) { return; }
    var horizontal = figure.getAttribute("data-axis") === "y";
    var stacked = figure.hasAttribute("data-stacked");
    var box = document.createElement("div");
    box.className = "chart-box";
    // Each bar needs room for its label on a phone: a horizontal chart grows with its rows.
    box.style.height = horizontal ? Math.max(8, data.labels.length * 1.9 + 3) + "rem" : "16rem";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", figure.getAttribute("data-chart-summary") || "");
    box.appendChild(canvas);
    figure.insertBefore(box, figure.firstChild);
    // Long stage names would be clipped on a phone: shorten them on the axis (the tooltip and the
    // table keep the whole name).
    var longest = Math.max(12, Math.floor(box.clientWidth / 14));
    var category = { beginAtZero: true, ticks: { autoSkip: false, callback: function (value) {
      var label = String(this.getLabelForValue(value));
      return label.length > longest ? label.slice(0, longest - 1) + "…" : label;
    } } };
    var amount = { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } };
    category.stacked = stacked;
    new window.Chart(canvas, {
      type: figure.getAttribute("data-chart") || "bar",
      data: data,
      options: {
        indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
        scales: horizontal ? { x: amount, y: category } : { x: category, y: amount },
        plugins: { legend: { display: data.datasets.length > 1, position: "bottom" } }
      }
    });
  }

  function drawAll(root) { (root || document).querySelectorAll("figure.chart[data-chart-for]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
