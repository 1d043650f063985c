// The dashboard's charts, drawn with Apache ECharts (served from static/vendor/echarts) from the numbers the page
// carries in its "dashboard-charts" JSON block: the same numbers as the tables under each chart. Without
// JavaScript the tables alone remain, and nothing is lost.
(function () {
  "use strict";

  const COLOURS = ["#0b4f9c", "#b3261e", "#a15c00", "#1e7a34", "#6a4c93", "#00838f", "#8d6e63", "#5c6773"];
  const ROW_HEIGHT = 26;

  function percentAxis(horizontal) {
    // Pass rates sit close together (most of them above 90 %): the axis starts near the lowest, not at 0, and
    // ends at 100 % or just above the highest.
    return {
      type: "value",
      scale: true,
      max: (extent) => Math.min(100, Math.ceil(extent.max + 0.5)),
      axisLabel: { formatter: "{value}%" },
      splitLine: { show: !horizontal },
    };
  }

  function cartesian(spec) {
    // Value axes: 0 for counts, 1 for percentages; only those some series uses.
    const used = [...new Set(spec.series.map((series) => series.axis))].sort();
    const valueAxes = used.map((axis) => (axis === 1 ? percentAxis(spec.horizontal) : { type: "value", minInterval: 1 }));
    const categoryAxis = {
      type: "category",
      data: spec.categories,
      inverse: spec.horizontal, // across: the first row on top, as in the table
      axisLabel: spec.horizontal ? { width: 160, overflow: "truncate" } : { hideOverlap: true },
    };
    const series = spec.series.map((item) => {
      const axisIndex = used.indexOf(item.axis);
      return {
        name: item.name,
        type: item.type,
        data: item.data,
        stack: item.stack || undefined,
        [spec.horizontal ? "xAxisIndex" : "yAxisIndex"]: axisIndex,
        tooltip: item.percent ? { valueFormatter: (value) => (value == null ? "—" : value + "%") } : undefined,
        barMaxWidth: 36,
        connectNulls: false,
      };
    });
    return {
      color: COLOURS,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { show: spec.series.length > 1, top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? valueAxes : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxes,
      series,
    };
  }

  function pie(spec) {
    const values = spec.series[0];
    return {
      color: COLOURS,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [
        {
          name: values.name,
          type: "pie",
          radius: ["35%", "65%"],
          label: { formatter: "{b}: {c}" },
          data: spec.categories.map((name, index) => ({ name, value: values.data[index] })),
        },
      ],
    };
  }

  function height(spec) {
    if (spec.horizontal) return Math.max(200, spec.categories.length * ROW_HEIGHT + 60);
    return spec.kind === "pie" ? 280 : 300;
  }

  function draw() {
    const source = document.getElementById("dashboard-charts");
    if (!source || !window.echarts) return;
    const locale = (document.documentElement.lang || "").toLowerCase().startsWith("zh") ? "ZH" : "EN";
    const charts = [];
    for (const spec of JSON.parse(source.textContent)) {
      const element = document.querySelector(`[data-chart="${spec.key}"]`);
      if (!element) continue;
      element.style.height = `${height(spec)}px`;
      element.style.marginBottom = "1rem";
      const chart = window.echarts.init(element, null, { renderer: "svg", locale });
      chart.setOption(spec.kind === "pie" ? pie(spec) : cartesian(spec));
      element.dataset.drawn = "true";
      charts.push(chart);
    }
    let pending = null;
    window.addEventListener("resize", () => {
      clearTimeout(pending);
      pending = setTimeout(() => charts.forEach((chart) => chart.resize()), 150);
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
