/* Draw every chart on the page: an element with data-chart="<id of a json_script>" and data-kind. */
(function () {
  "use strict";
  function draw(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(options(el.dataset.kind, data, el.dataset.title || ""), true);
    });
  }
  function options(kind, data, title) {
    var base = { title: { text: title, left: "center", textStyle: { fontSize: 14 } }, tooltip: {} };
    if (kind === "pie") {
      base.series = [{ type: "pie", radius: ["35%", "65%"], data: data.items,
        label: { formatter: "{b}\n{c}" + (data.unit || "") } }];
    } else if (kind === "radar") {
      base.legend = { bottom: 0 };
      base.radar = { indicator: data.axes.map(function (a) { return { name: a, max: 100 }; }) };
      base.series = [{ type: "radar", data: data.series }];
    } else {
      base.xAxis = { type: "category", data: data.labels };
      base.yAxis = { type: "value", name: data.unit || "" };
      base.series = [{ type: "bar", data: data.values, label: { show: true, position: "top" } }];
    }
    return base;
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
})();
