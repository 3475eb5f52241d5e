/* Charts of the analysis pages (ECharts, served locally). An element with data-analytics-chart="<id of a
   json_script>" is drawn from that JSON: {kind, title, unit, labels, series}. Every chart has a title, axis
   units and a legend; the same numbers are in the <details> table beside it. */
(function () {
  "use strict";
  var PALETTE = ["#1d3f8f", "#5b8ff9", "#b3261e", "#6b2c91", "#8a6d00", "#1e7b34"];

  function axisName(unit) { return unit ? "(" + unit + ")" : ""; }

  function base(data) {
    return {
      color: PALETTE,
      title: { show: false, text: data.title },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, left: "center", itemWidth: 14, itemGap: 8, textStyle: { fontSize: 11 } },
      grid: { left: 48, right: 48, top: 36, bottom: 72, containLabel: true }
    };
  }

  function category(data, rotate) {
    return { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: rotate ? 30 : 0, fontSize: 11 } };
  }

  function stacked(data) {
    var o = base(data);
    o.xAxis = category(data, data.labels.length > 6);
    o.yAxis = { type: "value", name: axisName(data.unit) };
    o.series = data.series.map(function (s) {
      return s.line ? { name: s.name, type: "line", data: s.values, symbol: "diamond", symbolSize: 9,
                        lineStyle: { type: "dashed" }, itemStyle: { color: "#b3261e" } }
                    : { name: s.name, type: "bar", stack: "grades", data: s.values };
    });
    return o;
  }

  function histogram(data) {
    var o = base(data);
    o.xAxis = category(data, true);
    o.xAxis.name = axisName(data.x_unit);
    o.xAxis.nameLocation = "middle";
    o.xAxis.nameGap = 42;
    o.yAxis = { type: "value", name: axisName(data.unit) };
    o.series = data.series.map(function (s) { return { name: s.name, type: "bar", barCategoryGap: "8%", data: s.values }; });
    return o;
  }

  function compare(data) {
    var o = base(data);
    o.xAxis = category(data, data.labels.length > 6);
    o.yAxis = { type: "value", name: axisName(data.unit), scale: true };
    o.series = data.series.map(function (s) {
      return s.marker ? { name: s.name, type: "scatter", symbol: "rect", symbolSize: [14, 3], data: s.values }
                      : { name: s.name, type: "bar", data: s.values };
    });
    return o;
  }

  function radar(data) {
    var o = base(data);
    o.tooltip = {};
    o.radar = { indicator: data.labels.map(function (a) { return { name: a, max: 100 }; }), radius: "62%" };
    o.series = [{ type: "radar", data: data.series.map(function (s) { return { name: s.name, value: s.values }; }) }];
    return o;
  }

  function trend(data) {
    var o = base(data);
    o.xAxis = category(data, false);
    o.yAxis = [{ type: "value", name: axisName(data.unit), min: 0 },
               { type: "value", name: axisName(data.unit2), scale: true }];
    o.series = data.series.map(function (s) {
      return { name: s.name, type: "line", yAxisIndex: s.axis || 0, connectNulls: false, data: s.values };
    });
    return o;
  }

  function scatter(data) {
    var o = base(data);
    o.tooltip = { trigger: "item", formatter: function (p) { return p.value[2] + ": " + p.value[0] + ", " + p.value[1]; } };
    o.xAxis = { type: "value", name: axisName(data.x_unit), nameLocation: "middle", nameGap: 28, scale: true };
    o.yAxis = { type: "value", name: axisName(data.unit), scale: true };
    o.series = data.series.map(function (s) { return { name: s.name, type: "scatter", data: s.points }; });
    return o;
  }

  function bars(data) {
    var o = base(data);
    o.xAxis = category(data, data.labels.length > 6);
    o.yAxis = { type: "value", name: axisName(data.unit) };
    o.series = data.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; });
    return o;
  }

  var KINDS = { stacked: stacked, histogram: histogram, compare: compare, radar: radar, trend: trend,
                scatter: scatter, bars: bars };

  function draw(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-analytics-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.analyticsChart);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var make = KINDS[data.kind];
      if (!make) { return; }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(make(data), true);
      el.dataset.drawn = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-analytics-chart]").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
})();
