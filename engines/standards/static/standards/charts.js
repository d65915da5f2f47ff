// ECharts of the assessment pages. Each chart reads its data from a json_script element:
//   <div data-chart="distribution|pass-rate|history|cockpit" data-source="ID-of-json-script" ...>
(function () {
  "use strict";
  var PARTY = "#b71c1c";

  function data(el) {
    var source = document.getElementById(el.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  function distribution(d) {
    return {
      tooltip: {trigger: "axis"}, grid: {left: 40, right: 16, top: 24, bottom: 48},
      xAxis: {type: "category", data: d.distribution.labels, name: d.labels.total, nameLocation: "center",
              nameGap: 30, axisLabel: {interval: 0, rotate: 30, fontSize: 10}},
      yAxis: {type: "value", minInterval: 1, name: d.labels.subjects},
      series: [{type: "bar", data: d.distribution.counts, itemStyle: {color: PARTY}, barCategoryGap: "8%"}]
    };
  }

  function passRate(p, labels) {
    var series = [{type: "bar", name: labels.pass_rate, data: p.rates, itemStyle: {color: PARTY},
                   label: {show: true, position: "top", formatter: "{c}%", fontSize: 10}}];
    if (p.target !== null && p.target !== undefined) {
      series[0].markLine = {symbol: "none", lineStyle: {color: "#0d6efd", type: "dashed", width: 2},
                            label: {formatter: labels.target + " {c}%"}, data: [{yAxis: p.target}]};
    }
    return {
      tooltip: {trigger: "axis", valueFormatter: function (v) { return v + "%"; }},
      grid: {left: 44, right: 72, top: 28, bottom: 64},
      xAxis: {type: "category", data: p.labels, axisLabel: {interval: 0, rotate: p.labels.length > 6 ? 35 : 0, fontSize: 10}},
      yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      series: series
    };
  }

  function history(h) {
    return {
      tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {left: 44, right: 44, top: 32, bottom: 32},
      xAxis: {type: "category", data: h.labels},
      yAxis: [{type: "value", inverse: true, minInterval: 1, min: 1, name: h.rank_label},
              {type: "value", name: h.total_label, splitLine: {show: false}}],
      series: [{type: "line", name: h.rank_label, data: h.ranks, itemStyle: {color: PARTY}, symbolSize: 8,
                label: {show: true, position: "top"}},
               {type: "line", name: h.total_label, yAxisIndex: 1, data: h.totals, lineStyle: {type: "dotted"},
                itemStyle: {color: "#6c757d"}}]
    };
  }

  function draw(el) {
    if (typeof echarts === "undefined") return;
    var d = data(el);
    if (!d) return;
    var kind = el.dataset.chart, option;
    if (kind === "distribution") option = distribution(d);
    else if (kind === "pass-rate") option = passRate(d.pass_rate, d.labels);
    else if (kind === "history") option = history(d);
    else if (kind === "cockpit") {
      var entry = d.find(function (c) { return c.id === el.id; });
      if (!entry) return;
      option = passRate(entry, JSON.parse(document.getElementById("chart-labels").textContent));
    }
    if (!option) return;
    option.animation = false;
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
