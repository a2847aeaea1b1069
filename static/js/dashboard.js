/* The supervisor dashboard's weekly charts (Chart.js, vendored in
   static/vendor/chartjs). Each <canvas data-chart-for="ID"> draws the table
   #ID that follows it: the table is the source of the numbers, so the chart
   and the table a screen reader reads can never disagree. Without JS (or
   without the library) the tables alone are shown. */
(function () {
  "use strict";
  var COLOURS = ["#0f4c8a", "#c5531b", "#1b7f3b", "#6a3d9a", "#b58b00"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 1]];

  function readTable(table) {
    var heads = table.querySelectorAll("thead th");
    var series = [];
    for (var i = 1; i < heads.length; i++) {
      series.push({ label: heads[i].textContent.trim(), data: [] });
    }
    var labels = [];
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var th = tr.querySelector("th");
      var cells = tr.querySelectorAll("td[data-value]");
      if (!th || cells.length !== series.length) {
        return;
      }
      labels.push(th.textContent.trim());
      cells.forEach(function (td, j) {
        var raw = td.getAttribute("data-value");
        series[j].data.push(raw === "" ? null : Number(raw));
      });
    });
    return { labels: labels, series: series };
  }

  function draw(canvas) {
    var table = document.getElementById(canvas.getAttribute("data-chart-for"));
    if (!table) {
      return;
    }
    var percent = table.getAttribute("data-chart") === "percent";
    var data = readTable(table);
    if (!data.labels.length) {
      canvas.parentNode.hidden = true;
      return;
    }
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var datasets = data.series.map(function (s, i) {
      return {
        label: s.label,
        data: percent ? s.data.map(function (v) { return v === null ? null : v * 100; }) : s.data,
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        borderDash: DASHES[i % DASHES.length],
        borderWidth: 2,
        pointRadius: 3,
        spanGaps: false,
        clip: false,
        tension: 0
      };
    });
    var font = window.getComputedStyle(document.body).fontFamily;
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduce ? false : { duration: 300 },
        font: { family: font },
        interaction: { mode: "index", intersect: false },
        scales: {
          y: {
            beginAtZero: true,
            max: percent ? 100 : undefined,
            ticks: {
              precision: 0,
              callback: function (v) { return percent ? v + "%" : v; }
            }
          }
        },
        plugins: {
          legend: { position: "bottom", labels: { font: { family: font } } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.parsed.y;
                if (v === null) { return ctx.dataset.label + ": —"; }
                return ctx.dataset.label + ": " + (percent ? v.toFixed(1) + "%" : v);
              }
            }
          }
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.Chart !== "function") {
      return;
    }
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart-for]").forEach(draw);
  });
})();
