// The overdue board's stacked bar: obligations of each child organization by state.
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("board-chart");
    if (!el || typeof echarts === "undefined") return;
    var d = JSON.parse(document.getElementById(el.dataset.source).textContent);
    var rotate = d.labels.length > 6 ? 35 : 0;
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {top: 0},
      grid: {left: 44, right: 16, top: 36, bottom: rotate ? 72 : 32},
      xAxis: {type: "category", data: d.labels, axisLabel: {interval: 0, rotate: rotate, fontSize: 11}},
      yAxis: {type: "value", minInterval: 1},
      series: d.series.map(function (s) {
        return {type: "bar", stack: "states", name: s.name, data: s.data, itemStyle: {color: s.colour},
                emphasis: {focus: "series"}};
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
