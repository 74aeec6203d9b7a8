/* The sales dashboard's charts (templates/dashboard/dashboard.html), drawn with Chart.js from the
   tables under them: each <canvas data-table="…"> reads its table's header cells marked data-series
   and the data-value of their cells, so a chart never shows a number the table does not. Without
   JavaScript the tables are the page. */
(function () {
  "use strict";
  if (!window.Chart) {
    return;
  }
  var palette = ["#2f6fb0", "#d9822b", "#3a9a5b", "#a0469b"];
  var style = getComputedStyle(document.body);
  var ink = style.getPropertyValue("--body-quiet-color").trim();
  if (ink) {
    window.Chart.defaults.color = ink;
  }
  window.Chart.defaults.font.family = style.fontFamily;

  function shortLabel(text) {
    return text.length > 22 ? text.slice(0, 21) + "…" : text;
  }

  function draw(canvas) {
    var table = document.getElementById(canvas.dataset.table);
    if (!table || !table.tHead || !table.tBodies.length) {
      return;
    }
    var kind = canvas.dataset.chart;
    var horizontal = kind === "hbar";
    var base = kind === "line" ? "line" : "bar";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var labels = rows.map(function (row) { return row.cells[0].textContent.trim(); });
    var series = [];
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, index) {
      if (cell.hasAttribute("data-series")) {
        series.push({ cell: cell, index: index });
      }
    });
    var datasets = series.map(function (one, n) {
      var color = palette[n % palette.length];
      return {
        label: one.cell.textContent.trim() + (one.cell.dataset.unit ? ", " + one.cell.dataset.unit : ""),
        data: rows.map(function (row) { return Number(row.cells[one.index].dataset.value); }),
        type: one.cell.dataset.draw || base,
        yAxisID: horizontal ? "y" : one.cell.dataset.axis,
        backgroundColor: color,
        borderColor: color,
        borderWidth: 2,
        tension: 0, // straight between days: a count does not dip between two whole days
        pointRadius: rows.length > 40 ? 0 : 2,
      };
    });
    // An axis whose figures are all whole (orders, units, codes used) gets whole-number ticks.
    function whole(axisId) {
      return datasets.every(function (set) {
        return (horizontal ? "x" : set.yAxisID || "y") !== axisId ||
          set.data.every(function (value) { return Math.round(value) === value; });
      });
    }
    function ticked(axisId, scale) {
      if (whole(axisId)) scale.ticks = Object.assign({}, scale.ticks, { precision: 0 });
      return scale;
    }
    var scales;
    if (horizontal) {
      scales = {
        x: ticked("x", { beginAtZero: true }),
        y: { ticks: { autoSkip: false, callback: function (value) { return shortLabel(this.getLabelForValue(value)); } } },
      };
    } else {
      scales = { x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } }, y: ticked("y", { beginAtZero: true, position: "left" }) };
      if (datasets.some(function (set) { return set.yAxisID === "y1"; })) {
        scales.y1 = ticked("y1", { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } });
      }
    }
    new window.Chart(canvas, {
      type: base,
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
      },
    });
    canvas.closest(".sales-chart").classList.add("is-drawn");
  }

  document.querySelectorAll("canvas[data-table]").forEach(draw);
})();
