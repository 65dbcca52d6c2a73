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
  var lang = document.documentElement.lang || "en";
  var money = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  // Compact amounts, the rule of kam.core.money.cents_compact (docs/rules.md "Numbers and
  // lists on the pages"): Chinese counts in 万, 亿, 万亿, the others in K, M, B, T; about four
  // significant digits, at most two decimals, half up; a rounding reaching the next unit moves.
  var compactUnits = lang.indexOf("zh") === 0
    ? { step: 1e4, names: ["万", "亿", "万亿"] }
    : { step: 1e3, names: ["K", "M", "B", "T"] };
  function compactMoney(amount) {
    var sign = amount < 0 ? "-" : "", value = Math.abs(amount), step = compactUnits.step;
    if (value < step) { return sign + money.format(value); }
    var index = 0;
    while (index + 1 < compactUnits.names.length && value >= Math.pow(step, index + 2)) { index++; }
    var rounded, places;
    for (;;) {
      var mantissa = value / Math.pow(step, index + 1);
      places = Math.min(2, Math.max(0, 4 - String(Math.floor(mantissa)).length));
      var factor = Math.pow(10, places);
      rounded = Math.floor(mantissa * factor + 0.5 + 1e-9) / factor;
      if (rounded < step || index + 1 === compactUnits.names.length) { break; }
      index++;
    }
    var text = new Intl.NumberFormat("en", { maximumFractionDigits: places, useGrouping: true }).format(rounded);
    return sign + text + " " + compactUnits.names[index];
  }
  var classColours = { A: "#1f4e8c", B: "#5b8bd0", C: "#2e9e5b", D: "#98a2b3" };
  var builders = {
    "monthly-revenue": function (data) {
      return {
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        tooltip: {
          trigger: "axis",
          valueFormatter: function (value) { return money.format(value) + " " + data.currency; }
        },
        // "auto" leaves out the month labels that would overlap (a phone shows a few).
        xAxis: { type: "category", data: data.months, axisLabel: { interval: "auto", hideOverlap: true } },
        yAxis: {
          type: "value", name: data.currency, nameLocation: "end", nameGap: 12,
          nameTextStyle: { align: "left", color: "#667085" },
          axisLabel: { formatter: function (value) { return compactMoney(value); } }
        },
        series: [{
          type: "bar", name: data.seriesName, data: data.revenue,
          itemStyle: { color: "#1f4e8c" }, emphasis: { itemStyle: { color: "#3b74c2" } }
        }]
      };
    }
  };
  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }
  builders.matrix = function (data) {
    var all = [];
    data.series.forEach(function (s) { s.points.forEach(function (p) { all.push(p); }); });
    var maxMargin = all.reduce(function (m, p) { return Math.max(m, p.margin || 0); }, 1);
    var xMin = data.potentialRange[0], xMax = data.potentialRange[1];
    var yMin = data.contributionRange[0], yMax = data.contributionRange[1];
    var narrow = window.innerWidth < 600;
    var line = { type: "dashed", color: "#98a2b3" };
    // The relative rule's diagonal (C = share × P), clipped to the plotted range.
    var diagonalFrom = Math.max(xMin, yMin / data.relativeShare);
    var diagonalTo = Math.min(xMax, yMax / data.relativeShare);
    function size(margin) {
      if (!data.sized || margin === null) { return 18; }  // margin not kept on this date
      return 6 + 30 * Math.sqrt(Math.max(margin, 0) / maxMargin);
    }
    var series = data.series.map(function (s, index) {
      var out = {
        type: "scatter", name: s.name, data: s.points, z: 3,
        itemStyle: { color: s.colour, opacity: 0.85, borderColor: "#fff", borderWidth: 0.5 },
        symbolSize: function (value, params) { return size(params.data.margin); },
        // The class on the bubble where it fits; every bubble's tooltip says it and why.
        label: {
          show: true, position: "inside", color: "#fff", fontSize: 10, fontWeight: 700,
          formatter: function (p) { return size(p.data.margin) >= 16 ? p.data.cls : ""; }
        },
        emphasis: { scale: 1.2, label: { show: true, formatter: function (p) { return p.data.code; }, position: "top", color: "#101828" } }
      };
      if (index === 0) {
        out.markLine = {
          silent: true, symbol: "none", lineStyle: line,
          // Each threshold's label runs along its own line near the lower or left edge, so two
          // close thresholds never print over each other; on a phone the help text says them.
          label: { show: !narrow, color: "#667085", fontSize: 11, formatter: function (p) { return compactMoney(p.value); } },
          data: [
            { xAxis: data.potentialMedium, label: { position: "insideStartTop" } },
            { xAxis: data.potentialHigh, label: { position: "insideStartTop" } },
            { yAxis: data.contributionMedium, label: { position: "insideStartTop" } },
            { yAxis: data.contributionHigh, label: { position: "insideStartTop" } }
          ]
        };
      }
      return out;
    });
    // The class areas as the rules make them (polygons from the presenter), under the bubbles.
    series.push({
      type: "custom", id: "classes", name: data.labels["class"], silent: true, z: 0,
      data: data.regions.map(function (r, i) { return [i]; }),
      renderItem: function (params, api) {
        var region = data.regions[params.dataIndex];
        var box = { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height };
        var points = echarts.graphic.clipPointsByRect(region.points.map(function (v) { return api.coord(v); }), box);
        // The letter in the area's outer corner: A and C on the right, B and D on the left.
        var right = region.cls === "A" || region.cls === "C";
        var top = region.cls === "A" || region.cls === "B";
        var xs = points.map(function (p) { return p[0]; }), ys = points.map(function (p) { return p[1]; });
        var tx = right ? Math.max.apply(null, xs) - 10 : Math.min.apply(null, xs) + 10;
        var ty = top ? Math.min.apply(null, ys) + 8 : Math.max.apply(null, ys) - 26;
        return { type: "group", children: [
          { type: "polygon", shape: { points: points }, style: { fill: classColours[region.cls], fillOpacity: 0.12, stroke: classColours[region.cls], strokeOpacity: 0.6, lineWidth: 1 } },
          { type: "text", x: tx, y: ty, style: { text: region.cls, fill: classColours[region.cls], fontSize: 18, fontWeight: 700, align: right ? "right" : "left", opacity: 0.8 } }
        ] };
      }
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
      type: "line", name: data.labels.relative, silent: true, symbol: "none", z: 2,
      data: [[diagonalFrom, diagonalFrom * data.relativeShare], [diagonalTo, diagonalTo * data.relativeShare]],
      lineStyle: { type: "dotted", color: "#667085", width: 1.5 }, tooltip: { show: false },
      endLabel: { show: !narrow, formatter: data.labels.relative, color: "#667085", fontSize: 11, offset: [-150, 12] }
    });
    var legend = data.series.map(function (s) { return s.name; });
    if (density.length) { legend.push(data.labels.density); }
    var zoom = data.region ? {
      dataZoom: [
        { type: "inside", xAxisIndex: 0, filterMode: "none" },
        { type: "inside", yAxisIndex: 0, filterMode: "none" }
      ],
      toolbox: { right: 8, top: narrow ? 44 : 0, feature: { dataZoom: { filterMode: "none" }, restore: {} } }
    } : {};
    return Object.assign({
      grid: { left: narrow ? 8 : 40, right: narrow ? 16 : 56, top: narrow ? 84 : 48, bottom: 40, containLabel: true },
      legend: { top: 0, data: legend, type: narrow ? "scroll" : "plain" },
      tooltip: {
        trigger: "item", confine: true,
        extraCssText: "max-width: min(360px, 86vw); white-space: normal;",
        formatter: function (p) {
          var d = p.data;
          if (!d || !d.value || d.cls === undefined) { return ""; }
          return "<strong>" + escapeText(d.code) + "</strong> " + escapeText(d.name) + "<br>" +
            data.labels["class"] + ": <strong>" + d.cls + "</strong> · " + escapeText(p.seriesName) + "<br>" +
            data.labels.contribution + ": " + money.format(d.value[1]) + " " + data.currency + "<br>" +
            data.labels.potential + ": " + money.format(d.value[0]) + " " + data.currency + "<br>" +
            data.labels.share + ": " + (d.sow === null ? "—" : (100 * d.sow).toFixed(1) + " %") +
            (d.margin === null ? "" : "<br>" + data.labels.margin + ": " + money.format(d.margin) + " " + data.currency) +
            "<div class=\"chart-why\"><strong>" + escapeText(data.labels.why) + "</strong><br>" +
            (d.why || []).map(escapeText).join("<br>") + "</div>";
        }
      },
      xAxis: {
        type: "log", min: xMin, max: xMax, name: data.labels.potential + " (" + data.currency + ")",
        nameLocation: "middle", nameGap: 28,
        axisLabel: { formatter: function (v) { return compactMoney(v); }, hideOverlap: true },
        splitLine: { lineStyle: { color: "#f0f2f5" } }
      },
      yAxis: {
        type: "log", min: yMin, max: yMax, name: data.labels.contribution + " (" + data.currency + ")",
        // On a phone the name goes above the axis, where it has the chart's width.
        nameLocation: narrow ? "end" : "middle", nameGap: narrow ? 12 : 52,
        nameTextStyle: narrow ? { align: "left", color: "#344054" } : { color: "#344054" },
        axisLabel: { formatter: function (v) { return compactMoney(v); }, hideOverlap: true },
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
                value: [parseFloat(a.potential), parseFloat(a.contribution)],
                margin: a.margin === null ? null : parseFloat(a.margin),
                code: a.code, name: a.name, cls: a.account_class, sow: a.share_of_wallet, why: a.class_reason,
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
        { type: "value", name: data.currency, nameTextStyle: { align: "left" }, axisLabel: { formatter: function (v) { return compactMoney(v); } } },
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
  // Before against after per group (risk/report_presenters.py): the intervention report's
  // churn rate (%) or CSAT (1–5) of the treated and the untreated accounts.
  builders["before-after"] = function (data) {
    var colours = ["#98a2b3", "#1f4e8c"];
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
        valueFormatter: function (v) { return v === null || v === undefined ? "–" : v + (data.unit ? " " + data.unit : ""); } },
      xAxis: { type: "category", data: data.groups },
      yAxis: { type: "value", name: data.axis, min: data.min, max: data.max,
        nameTextStyle: { align: "left", color: "#667085" } },
      series: data.periods.map(function (period, index) {
        return {
          type: "bar", name: period, data: data.values[index], barMaxWidth: 48,
          itemStyle: { color: colours[index] },
          label: { show: true, position: "top", color: "#344054",
            formatter: function (p) { return p.value === null || p.value === undefined ? "–" : p.value + (data.unit ? " " + data.unit : ""); } }
        };
      })
    };
  };
  // Satisfaction by survey (engagement/surveys/presenters.py): CSAT 1–5 on the left axis,
  // NPS −100 … 100 dashed on the right; a gap where a survey did not ask a dimension.
  builders["survey-trend"] = function (data) {
    var colours = ["#1f4e8c", "#d9822b", "#2e9e5b", "#8e44ad", "#0e9384"];
    var series = data.csat.map(function (s, index) {
      return {
        type: "line", name: s.name, data: s.data, yAxisIndex: 0, connectNulls: true,
        symbolSize: 7, itemStyle: { color: colours[index % colours.length] }
      };
    });
    series.push({
      type: "line", name: data.nps.name, data: data.nps.data, yAxisIndex: 1, connectNulls: true,
      symbol: "diamond", symbolSize: 9, lineStyle: { type: "dashed", width: 2 },
      itemStyle: { color: "#b42318" }
    });
    return {
      grid: { left: 8, right: 8, top: 64, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.months, axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: "value", name: data.labels.csat, min: 1, max: 5, interval: 1,
          nameTextStyle: { align: "left", color: "#667085" } },
        { type: "value", name: data.labels.nps, min: -100, max: 100, interval: 50,
          splitLine: { show: false }, nameTextStyle: { align: "right", color: "#667085" } }
      ],
      series: series
    };
  };
  builders.sankey = function (data) {
    var colours = { A: "#1f4e8c", B: "#5b8bd0", C: "#2e9e5b", D: "#98a2b3", lost: "#c23b3b", "new": "#7c8da6" };
    var narrow = window.innerWidth < 600;
    var side = narrow ? 56 : 96;
    return {
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        return p.dataType === "edge" ? escapeText(p.data.source) + " → " + escapeText(p.data.target) + ": " + p.data.value + " " + data.label : escapeText(p.name) + ": " + p.value + " " + data.label;
      } },
      // The two dates head their columns, so the nodes' labels stay short.
      graphic: [
        { type: "text", left: side, top: 4, style: { text: data.start, fill: "#344054", fontWeight: 700, fontSize: 12 } },
        { type: "text", right: side, top: 4, style: { text: data.end, fill: "#344054", fontWeight: 700, fontSize: 12, align: "right" } }
      ],
      series: [{
        // Labels sit outside the columns, and the gap between nodes is taller than a label,
        // so no two labels overlap however small their nodes are.
        type: "sankey", left: side, right: side, top: 28, bottom: 12, nodeGap: 18, nodeWidth: 16, draggable: false,
        layoutIterations: 0,  // keep A, B, C, D, lost in reading order
        emphasis: { focus: "adjacency" },
        data: data.nodes.map(function (node) {
          return {
            name: node.name, itemStyle: { color: colours[node.state] || "#667085" },
            label: { position: node.side === "start" ? "left" : "right", formatter: function (p) { return node.label + " · " + p.value; } }
          };
        }),
        links: data.links,
        lineStyle: { color: "gradient", opacity: 0.35 },
        label: { color: "#344054", fontSize: 12 }
      }]
    };
  };
  // Risk (risk/presenters.py): the churn model's signed factor bars, an account's risk
  // trend, the class-mix forecast, the transition heat map, calibration and the hold-out.
  function percentText(value) { return value === null || value === undefined ? "—" : Math.round(value * 100) + " %"; }
  builders["risk-factors"] = function (data) {
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 28, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) {
        return escapeText(p.name) + ": " + (p.value > 0 ? "+" : "") + p.value.toFixed(2) + " (" + escapeText(p.value > 0 ? data.labels.toward : data.labels.away) + ")";
      } },
      xAxis: { type: "value", name: data.labels.axis, nameLocation: "middle", nameGap: 22, nameTextStyle: { color: "#667085", fontSize: 11 } },
      yAxis: { type: "category", inverse: true, data: data.bars.map(function (b) { return b.name; }),
        axisLabel: { width: 300, overflow: "truncate", color: "#344054" }, axisTick: { show: false } },
      series: [{
        type: "bar", barMaxWidth: 22,
        data: data.bars.map(function (b) { return { value: b.value, itemStyle: { color: b.value > 0 ? "#c23b3b" : "#2e9e5b" } }; }),
        label: { show: true, position: "right", formatter: function (p) { return (p.value > 0 ? "+" : "") + p.value.toFixed(2); }, color: "#344054", fontSize: 11 }
      }]
    };
  };
  builders["risk-trend"] = function (data) {
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: percentText },
      xAxis: { type: "category", data: data.months, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: percentText } },
      series: [
        { type: "line", name: data.labels.churn, data: data.churn, connectNulls: true, itemStyle: { color: "#c23b3b" } },
        { type: "line", name: data.labels.p_alive, data: data.p_alive, connectNulls: true, lineStyle: { type: "dashed" }, itemStyle: { color: "#1f4e8c" } }
      ]
    };
  };
  builders["risk-mix"] = function (data) {
    return {
      grid: { left: 8, right: 40, top: 48, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(1) + " " + data.labels.accounts; } },
      xAxis: { type: "category", boundaryGap: false, data: data.months },
      yAxis: { type: "value", name: data.labels.accounts, nameTextStyle: { align: "left", color: "#667085" } },
      series: data.series.map(function (s) {
        return { type: "line", name: s.name, stack: "mix", areaStyle: { opacity: 0.85 }, symbol: "none",
          lineStyle: { width: 1 }, itemStyle: { color: s.colour }, data: s.data };
      })
    };
  };
  builders["risk-transition"] = function (data) {
    return {
      grid: { left: 8, right: 16, top: 28, bottom: 56, containLabel: true },
      tooltip: { formatter: function (p) {
        return escapeText(data.states[p.data[1]]) + " → " + escapeText(data.states[p.data[0]]) + ": " + percentText(p.data[2]) + " · " + p.data[3] + " " + escapeText(data.labels.moves);
      } },
      xAxis: { type: "category", data: data.states, name: data.labels.to, nameLocation: "middle", nameGap: 28, splitArea: { show: true } },
      yAxis: { type: "category", inverse: true, data: data.states, name: data.labels.from, nameLocation: "start", splitArea: { show: true } },
      visualMap: { show: false, min: 0, max: 1, dimension: 2, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
        inRange: { color: ["#f5f8fc", "#5b8bd0", "#1f4e8c"] }, formatter: function (v) { return percentText(v); } },
      series: [{ type: "heatmap", data: data.cells,
        label: { show: true, formatter: function (p) { return percentText(p.data[2]); }, fontSize: 11 },
        emphasis: { itemStyle: { borderColor: "#101828", borderWidth: 1 } } }]
    };
  };
  builders["risk-calibration"] = function (data) {
    function point(list) { return list.map(function (b) { return [b[0], b[1], b[2]]; }); }
    return {
      grid: { left: 8, right: 24, top: 56, bottom: 28, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "item", formatter: function (p) {
        if (!p.data || p.data.length < 3) { return escapeText(p.seriesName); }
        return escapeText(p.seriesName) + "<br>" + escapeText(data.labels.predicted) + ": " + percentText(p.data[0]) + "<br>" + escapeText(data.labels.actual) + ": " + percentText(p.data[1]) + "<br>" + p.data[2] + " " + escapeText(data.labels.count);
      } },
      xAxis: { type: "value", min: 0, max: 1, name: data.labels.predicted, nameLocation: "middle", nameGap: 22, axisLabel: { formatter: percentText } },
      yAxis: { type: "value", min: 0, max: 1, name: data.labels.actual, nameTextStyle: { align: "left", color: "#667085" }, axisLabel: { formatter: percentText } },
      series: [
        { type: "line", name: data.labels.ideal, data: [[0, 0], [1, 1]], symbol: "none", lineStyle: { type: "dotted", color: "#98a2b3" }, itemStyle: { color: "#98a2b3" } },
        { type: "line", name: data.labels.model, data: point(data.model), symbolSize: 8, itemStyle: { color: "#1f4e8c" } },
        { type: "line", name: data.labels.baseline, data: point(data.baseline), symbolSize: 7, lineStyle: { type: "dashed" }, itemStyle: { color: "#d9822b" } }
      ]
    };
  };
  builders["risk-holdout"] = function (data) {
    return {
      grid: { left: 8, right: 16, top: 48, bottom: 28, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", formatter: function (items) {
        var i = items[0].dataIndex;
        return escapeText(data.labels.frequency) + ": " + escapeText(data.frequencies[i]) + " (" + data.customers[i] + " " + escapeText(data.labels.customers) + ")<br>" +
          items.map(function (it) { return escapeText(it.seriesName) + ": " + it.value.toFixed(2); }).join("<br>");
      } },
      xAxis: { type: "category", data: data.frequencies, name: data.labels.frequency, nameLocation: "middle", nameGap: 22 },
      yAxis: { type: "value", name: data.labels.purchases, nameTextStyle: { align: "left", color: "#667085" } },
      series: [
        { type: "bar", name: data.labels.predicted, data: data.predicted, itemStyle: { color: "#5b8bd0" } },
        { type: "bar", name: data.labels.actual, data: data.actual, itemStyle: { color: "#2e9e5b" } }
      ]
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
      // Set once the first drawing (its animation included) is done: what a reader sees.
      chart.on("finished", function () { element.setAttribute("data-chart-drawn", "1"); });
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

// Copy buttons: <button data-copy="ID"> copies the value of the field ID (a link shown once).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) { return; }
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) { return; }
  field.select();
  if (navigator.clipboard) { navigator.clipboard.writeText(field.value); } else { document.execCommand("copy"); }
  button.setAttribute("data-copied", "1");
});
