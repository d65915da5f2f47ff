// Outcomes by sending unit: visits, problems, disputes and projects as bars, funds (in 10,000 yuan) as a line.
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("firstsec-outcomes-chart");
    if (!el || typeof echarts === "undefined") return;
    var d = JSON.parse(document.getElementById("firstsec-outcomes-data").textContent);
    var chart = echarts.init(el, null, {renderer: "svg"});
    function bar(name, data) { return {type: "bar", name: name, data: data}; }
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis"},
      legend: {top: 0},
      grid: {left: 50, right: 60, top: 40, bottom: 70},
      xAxis: {type: "category", data: d.units, axisLabel: {interval: 0, rotate: 30, fontSize: 11}},
      yAxis: [{type: "value", minInterval: 1}, {type: "value", position: "right"}],
      series: [
        bar(el.dataset.visits, d.visits), bar(el.dataset.problems, d.problems),
        bar(el.dataset.disputes, d.disputes), bar(el.dataset.projects, d.projects),
        {type: "line", name: el.dataset.funds, yAxisIndex: 1,
         data: d.funds.map(function (v) { return Math.round(v / 100) / 100; })}
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
