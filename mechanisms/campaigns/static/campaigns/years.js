// ECharts of a campaign's results across years (campaigns/years.html), from the json_script "years-data":
// the overall pass rate and naming rate per year as bars with the target as a line, and each township's pass rate
// as a line. The tables below the charts hold the same figures.
(function () {
  "use strict";
  var PARTY = "#b71c1c";
  var PALETTE = ["#b71c1c", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384"];

  function percent(v) { return v === null || v === undefined ? "—" : v + "%"; }

  function overall(d) {
    var series = [
      {type: "bar", name: d.labels.reached, data: d.overall.reached, itemStyle: {color: PARTY},
       label: {show: true, position: "top", formatter: function (p) { return percent(p.value); }, fontSize: 10}},
      {type: "bar", name: d.labels.named, data: d.overall.named, itemStyle: {color: "#f0ad4e"},
       label: {show: true, position: "top", formatter: function (p) { return percent(p.value); }, fontSize: 10}}
    ];
    if (d.overall.target.some(function (v) { return v !== null; })) {
      series.push({type: "line", name: d.labels.target, data: d.overall.target, connectNulls: true,
                   lineStyle: {type: "dashed", color: "#0d6efd"}, itemStyle: {color: "#0d6efd"}});
    }
    return {
      tooltip: {trigger: "axis", valueFormatter: percent}, legend: {top: 0},
      grid: {left: 44, right: 16, top: 36, bottom: 28},
      xAxis: {type: "category", data: d.years},
      yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      series: series
    };
  }

  function townships(d) {
    var series = d.townships.map(function (t, i) {
      return {type: "line", name: t.name, data: t.rates, connectNulls: false, symbolSize: 7,
              itemStyle: {color: PALETTE[(i + 1) % PALETTE.length]}};
    });
    series.push({type: "line", name: d.labels.overall, data: d.overall.reached, symbolSize: 9,
                 lineStyle: {width: 3}, itemStyle: {color: PARTY}});
    return {
      tooltip: {trigger: "axis", valueFormatter: percent}, legend: {top: 0, type: "scroll"},
      grid: {left: 44, right: 16, top: 36, bottom: 28},
      xAxis: {type: "category", data: d.years},
      yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      series: series
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("years-data");
    if (!source || typeof echarts === "undefined") return;
    var d = JSON.parse(source.textContent);
    document.querySelectorAll("[data-years-chart]").forEach(function (el) {
      var option = el.dataset.yearsChart === "overall" ? overall(d) : townships(d);
      option.animation = false;
      var chart = echarts.init(el, null, {renderer: "svg"});
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
