// kam's small page behaviours. Loaded as a file: the Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var box = document.querySelector(".messages");
    if (!box) {
      box = document.createElement("ul");
      box.className = "messages";
      box.setAttribute("role", "status");
      document.querySelector("main").prepend(box);
    }
    var item = document.createElement("li");
    item.className = "message error";
    item.textContent = (document.documentElement.lang === "zh-hans" ? "请求失败：" : "The request failed: ") + status;
    box.appendChild(item);
  });
})();
// Forms that destroy something ask first: <form data-confirm="Remove …?">.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);

// Charts: <div data-chart="KIND" data-chart-source="ID"> with its data in
// <script type="application/json" id="ID"> (json_script); drawn with Apache ECharts.
(function () {
  "use strict";
  var money = new Intl.NumberFormat(document.documentElement.lang || "en", {
    maximumFractionDigits: 0
  });
  var builders = {
    "monthly-revenue": function (data) {
      return {
        grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
        tooltip: {
          trigger: "axis",
          valueFormatter: function (value) { return money.format(value) + " " + data.currency; }
        },
        xAxis: { type: "category", data: data.months, axisLabel: { interval: 2 } },
        yAxis: {
          type: "value", name: data.currency,
          axisLabel: { formatter: function (value) { return money.format(value); } }
        },
        series: [{
          type: "bar", name: data.seriesName, data: data.revenue,
          itemStyle: { color: "#1f4e8c" }, emphasis: { itemStyle: { color: "#3b74c2" } }
        }]
      };
    }
  };
  function draw(root) {
    if (typeof window.echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      if (element.getAttribute("data-chart-ready")) { return; }
      var source = document.getElementById(element.getAttribute("data-chart-source"));
      var build = builders[element.getAttribute("data-chart")];
      if (!source || !build) { return; }
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(build(JSON.parse(source.textContent)));
      element.setAttribute("data-chart-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
