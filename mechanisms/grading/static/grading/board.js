// The timetable's chart: rectification plans by stage, and the lagging organizations lifted so far.
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("grading-chart");
    if (!el || typeof echarts === "undefined") return;
    var d = JSON.parse(document.getElementById("grading-chart-data").textContent);
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      animation: false,
      tooltip: {},
      title: [{text: el.dataset.stageLabel, left: "2%", textStyle: {fontSize: 13}}],
      grid: {left: 40, right: "42%", top: 36, bottom: 28},
      xAxis: {type: "category", data: d.stages, axisLabel: {interval: 0, fontSize: 11}},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {type: "bar", data: d.counts, itemStyle: {color: "#0d6efd"}, label: {show: true, position: "top"}},
        {type: "pie", radius: ["38%", "62%"], center: ["79%", "55%"], label: {formatter: "{b}: {c}"},
         data: [{name: el.dataset.liftedLabel, value: d.lifted, itemStyle: {color: "#198754"}},
                {name: el.dataset.laggingLabel, value: d.lagging - d.lifted, itemStyle: {color: "#dc3545"}}]}
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
