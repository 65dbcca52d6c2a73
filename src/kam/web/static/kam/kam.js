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
        // "auto" leaves out the month labels that would overlap (a phone shows a few).
        xAxis: { type: "category", data: data.months, axisLabel: { interval: "auto", hideOverlap: true } },
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
  var compact = new Intl.NumberFormat(document.documentElement.lang || "en", {
    notation: "compact", maximumFractionDigits: 1
  });
  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }
  builders.matrix = function (data) {
    var all = [];
    data.series.forEach(function (s) { s.points.forEach(function (p) { all.push(p); }); });
    var maxMargin = all.reduce(function (m, p) { return Math.max(m, p.margin); }, 1);
    var values = all.map(function (p) { return p.value; });
    (data.density || []).forEach(function (cell) { values.push([cell[0], cell[1]], [cell[2], cell[3]]); });
    function bound(index, fn, extra) {
      var list = values.map(function (v) { return v[index]; }).concat(extra);
      return fn.apply(null, list);
    }
    var xMin = Math.pow(10, Math.floor(Math.log10(bound(0, Math.min, [data.potentialMedium / 10]))));
    var xMax = Math.pow(10, Math.ceil(Math.log10(bound(0, Math.max, [data.potentialHigh * 3]))));
    var yMin = Math.pow(10, Math.floor(Math.log10(bound(1, Math.min, [data.contributionMedium / 10]))));
    var yMax = Math.pow(10, Math.ceil(Math.log10(bound(1, Math.max, [data.contributionHigh * 3]))));
    var line = { type: "dashed", color: "#98a2b3" };
    // The relative rule's diagonal (C = share × P), clipped to the plotted range.
    var diagonalFrom = Math.max(xMin, yMin / data.relativeShare);
    var diagonalTo = Math.min(xMax, yMax / data.relativeShare);
    var area = function (x0, x1, y0, y1, name, color) {
      return [{ name: name, xAxis: x0, yAxis: y0, itemStyle: { color: color } }, { xAxis: x1, yAxis: y1 }];
    };
    var series = data.series.map(function (s, index) {
      var out = {
        type: "scatter", name: s.name, data: s.points,
        itemStyle: { color: s.colour, opacity: 0.8, borderColor: "#fff", borderWidth: 0.5 },
        symbolSize: function (value, params) {
          var margin = params.data.margin;
          return 6 + 30 * Math.sqrt(Math.max(margin, 0) / maxMargin);
        },
        emphasis: { focus: "self", label: { show: true, formatter: function (p) { return p.data.code; }, position: "top" } }
      };
      if (index === 0) {
        out.markLine = {
          silent: true, symbol: "none", lineStyle: line,
          label: { color: "#667085", fontSize: 11, formatter: function (p) { return compact.format(p.value); } },
          // Each threshold's label runs along its own line near the lower or left edge, so
          // two close thresholds (10 M and 30 M on a phone) never print over each other or
          // over the class letters in the top-right corners.
          data: [
            { xAxis: data.potentialMedium, label: { position: "insideStartTop" } },
            { xAxis: data.potentialHigh, label: { position: "insideStartTop" } },
            { yAxis: data.contributionMedium, label: { position: "insideStartTop" } },
            { yAxis: data.contributionHigh, label: { position: "insideStartTop" } }
          ]
        };
        out.markArea = {
          silent: true, label: { color: "#344054", fontWeight: 700, fontSize: 18, position: "insideTopRight" },
          data: [
            area(data.potentialHigh, xMax, data.contributionHigh, yMax, "A", "rgba(31,78,140,0.07)"),
            area(xMin, data.potentialHigh, data.contributionHigh, yMax, "B", "rgba(91,139,208,0.07)"),
            area(data.potentialMedium, xMax, yMin, data.contributionHigh, "C", "rgba(46,158,91,0.06)"),
            area(xMin, data.potentialMedium, yMin, data.contributionHigh, "D", "rgba(152,162,179,0.06)")
          ]
        };
      }
      return out;
    });
    var density = data.density || [];
    if (density.length) {
      var most = density.reduce(function (m, cell) { return Math.max(m, cell[4]); }, 1);
      // The accounts not drawn as bubbles: a cell per log bin, darker where there are more.
      series.push({
        type: "custom", name: data.labels.density, id: "density", z: 1,
        data: density, encode: { x: [0, 2], y: [1, 3] },
        itemStyle: { color: "#1f4e8c" },
        renderItem: function (params, api) {
          var from = api.coord([api.value(0), api.value(1)]);
          var to = api.coord([api.value(2), api.value(3)]);
          var shape = echarts.graphic.clipRectByRect(
            { x: from[0], y: to[1], width: to[0] - from[0], height: from[1] - to[1] },
            { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
          var strength = Math.log(1 + api.value(4)) / Math.log(1 + most);
          return shape && { type: "rect", shape: shape,
            style: { fill: "#1f4e8c", opacity: 0.08 + 0.55 * strength, stroke: "#fff", lineWidth: 0.5 } };
        },
        tooltip: { formatter: function (p) { return escapeText(data.labels.cell.replace("{count}", p.data[4])); } }
      });
    }
    series.push({
      type: "line", name: data.labels.relative, silent: true, symbol: "none", z: 1,
      data: [[diagonalFrom, diagonalFrom * data.relativeShare], [diagonalTo, diagonalTo * data.relativeShare]],
      lineStyle: { type: "dotted", color: "#98a2b3", width: 1.5 }, tooltip: { show: false },
      endLabel: { show: true, formatter: data.labels.relative, color: "#667085", fontSize: 11, offset: [-150, 12] }
    });
    var legend = data.series.map(function (s) { return s.name; });
    if (density.length) { legend.push(data.labels.density); }
    var zoom = data.region ? {
      dataZoom: [
        { type: "inside", xAxisIndex: 0, filterMode: "none" },
        { type: "inside", yAxisIndex: 0, filterMode: "none" }
      ],
      toolbox: { right: 8, top: 0, feature: { dataZoom: { filterMode: "none" }, restore: {} } }
    } : {};
    return Object.assign({
      grid: { left: 40, right: 56, top: 48, bottom: 40, containLabel: true },
      legend: { top: 0, data: legend },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data;
          return "<strong>" + escapeText(d.code) + "</strong> " + escapeText(d.name) + "<br>" +
            data.labels["class"] + ": " + d.cls + " · " + escapeText(p.seriesName) + "<br>" +
            data.labels.contribution + ": " + money.format(d.value[1]) + " " + data.currency + "<br>" +
            data.labels.potential + ": " + money.format(d.value[0]) + " " + data.currency + "<br>" +
            data.labels.share + ": " + (d.sow === null ? "—" : (100 * d.sow).toFixed(1) + " %") + "<br>" +
            data.labels.margin + ": " + money.format(d.margin) + " " + data.currency;
        }
      },
      xAxis: {
        type: "log", min: xMin, max: xMax, name: data.labels.potential + " (" + data.currency + ")",
        nameLocation: "middle", nameGap: 28,
        axisLabel: { formatter: function (v) { return compact.format(v); } },
        splitLine: { lineStyle: { color: "#f0f2f5" } }
      },
      yAxis: {
        type: "log", min: yMin, max: yMax, name: data.labels.contribution + " (" + data.currency + ")",
        nameLocation: "middle", nameGap: 52,
        axisLabel: { formatter: function (v) { return compact.format(v); } },
        splitLine: { lineStyle: { color: "#f0f2f5" } }
      },
      series: series
    }, zoom);
  };
  // Zoomed past the density threshold, the matrix asks the API for the accounts of the
  // visible part (the page's filters kept) and draws them as bubbles; restored, it goes back.
  builders.matrix.attach = function (chart, data) {
    if (!data.region) { return; }
    var caption = document.getElementById("matrix-shows");
    var first = caption ? caption.textContent : "";
    var original = data.series.map(function (s) { return s.points; });
    var pending = null;
    var asked = 0;
    function extent(name) {
      return chart.getModel().getComponent(name, 0).axis.scale.getExtent();
    }
    function redraw(points, showDensity, text) {
      var update = data.series.map(function (s, i) { return { data: points[i] }; });
      chart.setOption({ series: update.concat([{ id: "density", data: showDensity ? data.density : [] }]) });
      if (caption) { caption.textContent = text; }
    }
    function load() {
      var x = extent("xAxis"), y = extent("yAxis");
      var full = chart.getOption().dataZoom.every(function (z) { return z.start <= 0 && z.end >= 100; });
      if (full) { redraw(original, true, first); return; }
      var params = new URLSearchParams();
      var page = new URLSearchParams(window.location.search);
      ["as_of", "scope", "industry", "region"].forEach(function (name) {
        if (page.get(name)) { params.set(name, page.get(name)); }
      });
      if (page.get("owner")) { params.set("owner_id", page.get("owner")); }
      var most = 9999999999999.99;
      params.set("potential_min", Math.min(x[0], most).toFixed(2));
      params.set("potential_max", Math.min(x[1], most).toFixed(2));
      params.set("contribution_min", Math.min(y[0], most).toFixed(2));
      params.set("contribution_max", Math.min(y[1], most).toFixed(2));
      params.set("limit", String(data.region.most));
      var ticket = ++asked;
      fetch(data.region.url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(function (answer) {
          if (ticket !== asked) { return; }  // a later zoom is on its way
          var points = data.series.map(function (s) {
            return answer.items.filter(function (a) { return a.lifecycle === s.stage; }).map(function (a) {
              return {
                value: [parseFloat(a.potential), parseFloat(a.contribution)], margin: parseFloat(a.margin),
                code: a.code, name: a.name, cls: a.account_class, sow: a.share_of_wallet,
                url: data.accountUrl.replace("{}", a.account_id)
              };
            });
          });
          var all = answer.count <= answer.items.length;
          var text = all ? data.labels.regionAll.replace("{count}", answer.count)
            : data.labels.regionSome.replace("{shown}", answer.items.length).replace("{count}", answer.count);
          redraw(points, !all, text);
        })
        .catch(function () { if (ticket === asked && caption) { caption.textContent = data.labels.regionFailed; } });
    }
    chart.on("click", function (p) {
      if (p.seriesId !== "density") { return; }  // a cell: zoom into it
      chart.dispatchAction({ type: "dataZoom", dataZoomIndex: 0, startValue: p.data[0], endValue: p.data[2] });
      chart.dispatchAction({ type: "dataZoom", dataZoomIndex: 1, startValue: p.data[1], endValue: p.data[3] });
    });
    chart.on("datazoom", function () { clearTimeout(pending); pending = setTimeout(load, 250); });
    chart.on("restore", function () { clearTimeout(pending); asked++; redraw(original, true, first); });
  };
  builders.pareto = function (data) {
    return {
      grid: { left: 16, right: 16, top: 48, bottom: 16, containLabel: true },
      legend: { top: 0, data: [data.labels.candidate, data.labels.other, data.labels.cumulative] },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var i = items[0].dataIndex;
          return "#" + (i + 1) + " <strong>" + escapeText(data.codes[i]) + "</strong> " + escapeText(data.names[i]) + "<br>" +
            data.labels.contribution + ": " + money.format(data.contribution[i]) + " " + data.currency + "<br>" +
            data.labels.cumulative + ": " + data.cumulative[i].toFixed(1) + " %";
        }
      },
      xAxis: { type: "category", data: data.codes, axisLabel: { show: data.codes.length <= 40, rotate: 60, interval: "auto", hideOverlap: true } },
      yAxis: [
        { type: "value", name: data.currency, axisLabel: { formatter: function (v) { return compact.format(v); } } },
        { type: "value", min: 0, max: 100, name: "%", splitLine: { show: false } }
      ],
      series: [
        { type: "bar", name: data.labels.candidate, stack: "c", itemStyle: { color: "#1f4e8c" },
          data: data.contribution.map(function (v, i) { return data.candidate[i] ? v : null; }) },
        { type: "bar", name: data.labels.other, stack: "c", itemStyle: { color: "#b8c4d6" },
          data: data.contribution.map(function (v, i) { return data.candidate[i] ? null : v; }) },
        { type: "line", name: data.labels.cumulative, yAxisIndex: 1, data: data.cumulative, showSymbol: false,
          lineStyle: { color: "#d9822b", width: 2 }, itemStyle: { color: "#d9822b" },
          markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#d9822b" },
            label: { formatter: data.labels.target + " {c} %", position: "insideEndTop" }, data: [{ yAxis: data.target }] } }
      ]
    };
  };
  builders.sankey = function (data) {
    var colours = { A: "#1f4e8c", B: "#5b8bd0", C: "#2e9e5b", D: "#98a2b3", lost: "#c23b3b", "new": "#7c8da6" };
    return {
      tooltip: { trigger: "item", formatter: function (p) {
        return p.dataType === "edge" ? escapeText(p.data.source) + " → " + escapeText(p.data.target) + ": " + p.data.value + " " + data.label : escapeText(p.name);
      } },
      series: [{
        type: "sankey", left: 8, right: 120, top: 16, bottom: 16, nodeGap: 14, draggable: false,
        layoutIterations: 0,  // keep A, B, C, D, lost in reading order
        emphasis: { focus: "adjacency" },
        data: data.nodes.map(function (node) {
          return { name: node.name, itemStyle: { color: colours[node.state] || "#667085" } };
        }),
        links: data.links,
        lineStyle: { color: "gradient", opacity: 0.35 },
        label: { color: "#344054" }
      }]
    };
  };
  function draw(root) {
    if (typeof window.echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      if (element.getAttribute("data-chart-ready")) { return; }
      var source = document.getElementById(element.getAttribute("data-chart-source"));
      var build = builders[element.getAttribute("data-chart")];
      if (!source || !build) { return; }
      var kind = element.getAttribute("data-chart");
      // Thousands of bubbles draw faster on a canvas than as SVG nodes.
      var chart = window.echarts.init(element, null, { renderer: kind === "matrix" ? "canvas" : "svg" });
      var data = JSON.parse(source.textContent);
      // "drawn" once ECharts has finished rendering (animations included): a signal for
      // screenshots and tests, which must not wait a fixed time.
      chart.on("finished", function () { element.setAttribute("data-chart-drawn", "1"); });
      chart.setOption(build(data));
      if (build.attach) { build.attach(chart, data); }
      chart.on("click", function (params) {
        if (params.data && params.data.url) { window.location.href = params.data.url; }
      });
      element.setAttribute("data-chart-ready", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();

// The phone's menu button (base.html): opens and closes the folded navigation; Escape closes
// it and gives the focus back to the button. Without this script the menu simply stays open.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function setUp() {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("topbar-menu");
    if (!button || !menu) { return; }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        show(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
