// Dashboard charts: the figures come from the page (json_script "chart-data"); ECharts is served by the project.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var L = data.labels;
    var blue = "#1f5fa8", green = "#2e7d32", amber = "#e08a00", red = "#c62828";
    var palette = [green, "#66bb6a", blue, amber, red, "#7e57c2", "#26a69a"];
    // Legends sit in a band of their own, never over the plot: at the top of the bar and line charts, above the
    // axis names (grid.top leaves room for both); at the foot of the pies, whose labels stay in the box above it.
    // ECharts 6 puts a legend at the bottom by default, onto the category labels, so the place is always given.
    var topLegend = function (names) {
      return { data: names, top: 0, left: "center", type: "scroll", itemGap: 16 };
    };
    var barOf = function (rows) {
      return {
        color: [blue, green],
        tooltip: { trigger: "axis" },
        legend: topLegend([L.received, L.completed]),
        grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
        series: [
          { name: L.received, type: "bar", data: rows.map(function (r) { return r.received; }) },
          { name: L.completed, type: "bar", data: rows.map(function (r) { return r.completed; }) }
        ]
      };
    };
    var pieOf = function (rows, colors) {
      return {
        color: colors || palette,
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { bottom: 0, left: "center", type: "scroll" },
        series: [{ type: "pie", radius: ["32%", "58%"], top: 8, bottom: 44, data: rows,
                   label: { formatter: "{b}\n{c}" }, labelLine: { length: 8, length2: 8 },
                   avoidLabelOverlap: true }]
      };
    };
    var options = {
      daily: {
        color: [blue, green, amber],
        tooltip: { trigger: "axis" },
        legend: topLegend([L.received, L.completed, L.onTimeRate]),
        grid: { left: 8, right: 8, bottom: 8, top: 64, containLabel: true },
        xAxis: { type: "category", data: data.days },
        yAxis: [
          { type: "value", name: L.cases, minInterval: 1 },
          { type: "value", name: "%", min: 0, max: 100 }
        ],
        series: [
          { name: L.received, type: "bar", data: data.received },
          { name: L.completed, type: "bar", data: data.completed },
          { name: L.onTimeRate, type: "line", yAxisIndex: 1, connectNulls: true, data: data.onTimeRate }
        ]
      },
      trend: {
        color: [green, amber],
        tooltip: { trigger: "axis" },
        legend: topLegend([L.completed, L.onTimeRate]),
        grid: { left: 8, right: 8, bottom: 8, top: 64, containLabel: true },
        xAxis: { type: "category", data: data.months },
        yAxis: [
          { type: "value", name: L.cases, minInterval: 1 },
          { type: "value", name: "%", min: 0, max: 100 }
        ],
        series: [
          { name: L.completed, type: "bar", data: data.monthlyCompleted },
          { name: L.onTimeRate, type: "line", yAxisIndex: 1, connectNulls: true, data: data.monthlyRate }
        ]
      },
      modes: barOf(data.modes),
      places: barOf(data.places),
      items: {
        color: [blue],
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 16, bottom: 8, top: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: data.items.map(function (r) { return r.name; }),
                 axisLabel: { width: 180, overflow: "truncate" } },
        series: [{ name: L.received, type: "bar", data: data.items.map(function (r) { return r.value; }) }]
      },
      ratings: pieOf(data.ratings, [green, "#66bb6a", blue, amber, red]),
      inquiries: pieOf(data.inquiries),
      petitions: pieOf(data.petitions, [amber, blue, green, "#90a4ae"])
    };
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var option = options[el.getAttribute("data-chart")];
      if (!option) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
