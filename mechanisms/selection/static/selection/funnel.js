// The selection's funnel: how many candidates are left after each round.
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("selection-funnel");
    if (!el || typeof echarts === "undefined") return;
    var d = JSON.parse(document.getElementById("selection-funnel-data").textContent);
    var data = [];
    d.labels.forEach(function (label, i) {
      if (d.counts[i] !== null) data.push({name: label, value: d.counts[i]});
    });
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      animation: false,
      tooltip: {trigger: "item", formatter: "{b}: {c}"},
      series: [{type: "funnel", sort: "none", left: "10%", width: "80%", top: 10, bottom: 10, minSize: "8%",
                label: {show: true, position: "inside", formatter: "{b} {c}"}, data: data}]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
