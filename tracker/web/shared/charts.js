// Charts, drawn by Chart.js (vendored from Debian's libjs-chart.js, loaded as /shared/chart.min.js).
// No animation: a chart is drawn once, as the data says, for people and for screenshots.

const palette = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563",
  "#db2777", "#65a30d", "#7c3aed", "#0d9488", "#b45309"];

export function colour(index) {
  return palette[index % palette.length];
}

// A line chart. series: [{label, data, axis ("left"|"right")}]; `left` and `right` name the
// axes' units; `counts` keeps their ticks whole (no "0.5 clicks").
export function lineChart(canvas, labels, series, { left, right, counts = false } = {}) {
  const datasets = series.map((s, i) => ({
    label: s.label,
    data: s.data,
    yAxisID: s.axis === "right" ? "right" : "left",
    borderColor: colour(i),
    backgroundColor: colour(i),
    borderWidth: 2,
    pointRadius: labels.length > 60 ? 0 : 2,
    tension: 0.2,
  }));
  const scales = {
    x: { ticks: { maxTicksLimit: 12 } },
    left: { position: "left", beginAtZero: true, title: { display: Boolean(left), text: left },
      ticks: counts ? { precision: 0 } : {} },
  };
  if (series.some((s) => s.axis === "right")) {
    scales.right = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
      title: { display: Boolean(right), text: right }, ticks: counts ? { precision: 0 } : {} };
  }
  return new window.Chart(canvas, {
    type: "line",
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales,
      plugins: { legend: { position: "bottom" } },
    },
  });
}
