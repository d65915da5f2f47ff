// The county figures' chart: shares of 一肩挑 and of cross-village secretaries per township.
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("elections-chart");
    if (!el || typeof echarts === "undefined") return;
    var d = JSON.parse(document.getElementById("elections-chart-data").textContent);
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis", valueFormatter: function (v) { return v + "%"; }},
      legend: {top: 0},
      grid: {left: 40, right: 16, top: 32, bottom: 60},
      xAxis: {type: "category", data: d.labels, axisLabel: {interval: 0, rotate: d.labels.length > 6 ? 30 : 0, fontSize: 11}},
      yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      series: [
        {name: el.dataset.oneLabel, type: "bar", data: d.one_shoulder, itemStyle: {color: "#0d6efd"}},
        {name: el.dataset.crossLabel, type: "bar", data: d.cross_village, itemStyle: {color: "#fd7e14"}}
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
