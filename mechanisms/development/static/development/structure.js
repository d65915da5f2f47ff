// Shares (under 35, women, college) and education of new members against existing ones, in percent.
(function () {
  "use strict";

  function bars(el, labels, series) {
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: function (v) { return v + "%"; }},
      legend: {top: 0},
      grid: {left: 44, right: 16, top: 36, bottom: 48},
      xAxis: {type: "category", data: labels, axisLabel: {interval: 0, rotate: labels.length > 4 ? 25 : 0, fontSize: 11}},
      yAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
      series: series.map(function (s) { return {type: "bar", name: s.name, data: s.data}; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function draw() {
    if (typeof echarts === "undefined") return;
    var shares = document.getElementById("shares-chart");
    var education = document.getElementById("education-chart");
    if (!shares || !education) return;
    var d = JSON.parse(document.getElementById(shares.dataset.source).textContent);
    bars(shares, d.shares.labels, [{name: d.series[0].name, data: d.shares["new"]},
                                   {name: d.series[1].name, data: d.shares.existing}]);
    bars(education, d.labels, d.series);
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
