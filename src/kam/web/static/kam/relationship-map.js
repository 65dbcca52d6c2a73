// The relationship map page (relationships/map.html): the org chart drawn with ECharts from
// the presenter's positions, a click opening the person in the side panel (htmx), a drag onto
// another person changing whom they report to (with the server's undo toast), PNG and print.
// Loaded as a file: the Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  var root = document.querySelector("[data-relmap]");
  if (!root) { return; }
  var chartElement = document.getElementById("relmap-chart");
  var editable = root.getAttribute("data-editable") === "1";
  var chart = null;
  var data = null;
  var selected = null;
  var layout = null;  // the pixel geometry of the last drawing
  var narrowScreen = function () { return window.innerWidth < 720; };

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text === null || text === undefined ? "" : String(text);
    return div.innerHTML;
  }
  function url(attribute, id) {
    return root.getAttribute(attribute).replace("/0/", "/" + id + "/");
  }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // The map's errors (a duplicate 409, a refused cycle 422) are forms to show, not failures.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 409 || status === 422 || status === 403) && target && root.contains(target)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  var linkStyles = {
    trusts: { color: "#1570ef", type: "solid" },
    reports_informally: { color: "#7a5af8", type: "dotted" },
    opposes: { color: "#d92d20", type: "dashed" }
  };

  function geometry(width, d) {
    var padX = narrowScreen() ? 36 : 56;
    var spanX = Math.max(d.columns - 1, 1);
    var sx = Math.min(170, (width - 2 * padX) / spanX);
    var sy = Math.max(68, Math.min(120, sx * 0.95));
    var maxY = d.nodes.reduce(function (m, n) { return Math.max(m, n.y); }, 0);
    var boxW = (d.columns - 1) * sx, boxH = maxY * sy;
    var top = 56, bottom = 64;
    return {
      sx: sx, sy: sy, boxW: boxW, boxH: boxH, top: top,
      left: (width - boxW) / 2, height: Math.max(boxH + top + bottom, narrowScreen() ? 220 : 300),
      // Names fit under a node when the columns are wide enough; else on hover or zoomed in.
      labels: d.labelsShown && sx >= 64,
      nodeMax: Math.max(16, Math.min(52, sx * 0.62))
    };
  }

  function nodeSize(n, g) {
    var influence = n.influence || 0;
    var base = g.nodeMax * 0.5;
    return influence ? base + (g.nodeMax - base) * (influence - 1) / 4 : base * 0.9;
  }

  // Badge, name and gap mark on one line under the node; in narrow columns the badge and
  // mark go on a line of their own above the name, so the name keeps the column's width.
  function labelText(n, g) {
    var marks = [];
    if (n.roleBadge) { marks.push("{role|" + n.roleBadge + "}"); }
    if (n.marked) { marks.push("{gap|!}"); }
    var name = "{name|" + n.name.replace(/[{}|]/g, "") + "}";
    if (g.sx < 120) { return marks.length ? marks.join(" ") + "\n" + name : name; }
    return (n.roleBadge ? "{role|" + n.roleBadge + "} " : "") + name + (n.marked ? " {gap|!}" : "");
  }

  function tooltip(params) {
    var L = data.labels;
    if (params.dataType === "edge") {
      var e = params.data.meta;
      if (!e) { return escapeText(params.data.tip || ""); }
      return "<strong>" + escapeText(e.sourceName) + "</strong> — " + escapeText(e.kindLabel) + " → <strong>" +
        escapeText(e.targetName) + "</strong> (" + e.strength + "/3)" + (e.note ? "<br>“" + escapeText(e.note) + "”" : "");
    }
    var n = params.data.meta;
    if (!n) { return ""; }
    var rows = [
      [L.attitude, n.attitudeLabel], [L.role, n.roleLabel || "—"], [L.influence, n.influence || "—"],
      [L.closeness, n.closeness || "—"], [L.score, n.score === null ? "—" : Math.round(n.score)],
      [L.department, n.department], [L.reportsTo, n.reportsToName || "—"]
    ];
    var html = "<strong>" + escapeText(n.name) + "</strong>" + (n.title ? "<br><span style=\"color:#667085\">" + escapeText(n.title) + "</span>" : "") +
      (n.active ? "" : " · " + escapeText(L.left)) + "<br>" +
      rows.map(function (r) { return escapeText(r[0]) + ": " + escapeText(r[1]); }).join("<br>");
    if (n.gaps.length) { html += "<br><strong style=\"color:#b42318\">" + escapeText(L.gaps) + ": " + n.gaps.map(escapeText).join(", ") + "</strong>"; }
    return html;
  }

  function option(d, width) {
    var g = geometry(width, d);
    layout = g;
    var categories = d.attitudes.map(function (a) { return { name: a.label, itemStyle: { color: a.colour } }; });
    var categoryOf = {};
    d.attitudes.forEach(function (a, i) { categoryOf[a.key] = i; });
    var nodes = d.nodes.map(function (n) {
      var rated = n.closeness !== null && n.closeness !== undefined;
      return {
        id: String(n.id), name: n.name, meta: n,
        x: g.left + n.x * g.sx, y: g.top + n.y * g.sy,
        symbolSize: nodeSize(n, g), category: categoryOf[n.attitude],
        itemStyle: {
          color: n.colour, opacity: n.active ? 1 : 0.3,
          // The ring: closeness 1–5 as its width; dashed when not rated.
          borderColor: rated ? "#1d2939" : "#98a2b3", borderWidth: rated ? 0.6 + n.closeness * 0.9 : 1.2,
          borderType: rated ? "solid" : "dashed",
          // The halo: a gap names this person.
          shadowBlur: n.marked ? 16 : 0, shadowColor: n.marked ? "rgba(217,45,32,.9)" : "transparent"
        },
        label: { formatter: labelText(n, g), opacity: n.active ? 1 : 0.55 }
      };
    });
    var edges = d.lines.map(function (l) {
      // A line into a block's lower rows is faint: the block under its boss says the rest.
      var opacity = l.stacked ? 0.12 : (d.wrapped ? 0.45 : 0.9);
      return { source: l.source, target: l.target, lineStyle: { color: "#98a2b3", width: 1.4, curveness: 0, opacity: opacity },
        symbol: ["none", "none"], tip: data.labels.reporting, emphasis: { lineStyle: { width: 2.5, color: "#475467", opacity: 1 } } };
    });
    d.links.forEach(function (l) {
      var s = linkStyles[l.kind] || linkStyles.trusts;
      edges.push({ source: l.source, target: l.target, meta: l, symbol: ["none", "arrow"], symbolSize: [4, 6 + 2 * l.strength],
        lineStyle: { color: s.color, type: s.type, width: 0.6 + l.strength * 0.9, curveness: 0.28, opacity: 0.9 } });
    });
    return {
      animationDurationUpdate: 300,
      tooltip: { trigger: "item", confine: true, formatter: tooltip, extraCssText: "max-width: min(320px, 86vw); white-space: normal;" },
      legend: [{ data: categories.map(function (c) { return c.name; }), top: 4, left: "center", type: narrowScreen() ? "scroll" : "plain",
        itemWidth: 12, itemHeight: 12, textStyle: { fontSize: 12, color: "#344054" } }],
      series: [{
        type: "graph", layout: "none", coordinateSystem: null,
        left: g.left, top: g.top, width: Math.max(g.boxW, 1), height: Math.max(g.boxH, 1),
        roam: true, scaleLimit: { min: 0.4, max: 8 }, draggable: editable,
        categories: categories, data: nodes, edges: edges,
        edgeSymbol: ["none", "none"],
        selectedMode: "single",
        select: { itemStyle: { borderColor: "#1570ef", borderWidth: 5, borderType: "solid" }, label: { show: true } },
        label: {
          // A white ground under each name, so a line passing behind it never crosses it out.
          show: g.labels, position: "bottom", distance: 5, backgroundColor: "rgba(255,255,255,.88)", padding: [1, 3], borderRadius: 3, width: Math.max(56, Math.min(150, g.sx - 8)), overflow: "truncate",
          rich: {
            name: { fontSize: g.sx < 90 ? 11 : 12, color: "#101828", fontWeight: 600, lineHeight: 15 },
            role: { fontSize: 10, color: "#fff", backgroundColor: "#344054", borderRadius: 3, padding: [2, 4, 1, 4], fontWeight: 700 },
            gap: { fontSize: 11, color: "#fff", backgroundColor: "#d92d20", borderRadius: 8, padding: [2, 5, 1, 5], fontWeight: 700 }
          }
        },
        emphasis: { focus: "adjacency", label: { show: true }, lineStyle: { width: 3 } },
        blur: { itemStyle: { opacity: 0.25 }, lineStyle: { opacity: 0.08 }, label: { opacity: 0.3 } }
      }]
    };
  }

  function draw() {
    if (!chart || !data) { return; }
    var width = chartElement.clientWidth;
    var g = geometry(width, data);
    chartElement.style.height = Math.round(g.height) + "px";
    chart.resize();
    // Cleared until this drawing (its animation included) is done: tests wait on it.
    chartElement.removeAttribute("data-chart-drawn");
    chartElement.setAttribute("data-draws", String(parseInt(chartElement.getAttribute("data-draws") || "0", 10) + 1));
    chart.setOption(option(data, width), { notMerge: true });
    if (selected !== null) { select(selected, false); }
  }

  function indexOf(id) {
    for (var i = 0; i < data.nodes.length; i++) { if (data.nodes[i].id === id) { return i; } }
    return -1;
  }

  function select(id, open) {
    selected = id;
    if (chart && data) {
      var index = indexOf(id);
      chart.dispatchAction({ type: "unselect", seriesIndex: 0, dataIndex: data.nodes.map(function (n, i) { return i; }) });
      if (index >= 0) { chart.dispatchAction({ type: "select", seriesIndex: 0, dataIndex: index }); }
    }
    // A tap leaves the tooltip over the chart on a phone; the panel says it all.
    if (open && chart && narrowScreen()) { chart.dispatchAction({ type: "hideTip" }); }
    if (open && window.htmx) {
      window.htmx.ajax("GET", url("data-person-url", id), { target: "#map-panel", swap: "innerHTML" }).then(function () {
        // On a phone the panel is below the chart: bring it into view.
        if (narrowScreen()) { document.getElementById("map-panel").scrollIntoView({ block: "start" }); }
      });
    }
  }

  function refresh() {
    fetch(root.getAttribute("data-data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (fresh) {
        chartElement.setAttribute("data-people", String(fresh.nodes.length));
        data = fresh;
        draw();
      });
  }

  // A drag that ends on another person: that person becomes the boss. The pointer is compared
  // with every other node's pixel position (zoom and pan included).
  function dropTarget(dragged, offsetX, offsetY) {
    var zoom = chart.getOption().series[0].zoom || 1;
    var best = null, bestDistance = Infinity;
    data.nodes.forEach(function (n, i) {
      if (i === dragged) { return; }
      var p = chart.convertToPixel({ seriesIndex: 0 }, [layout.left + n.x * layout.sx, layout.top + n.y * layout.sy]);
      if (!p) { return; }
      var distance = Math.hypot(p[0] - offsetX, p[1] - offsetY);
      var reach = Math.max(18, nodeSize(n, layout) / 2 * zoom + 10);
      if (distance <= reach && distance < bestDistance) { best = i; bestDistance = distance; }
    });
    return best;
  }

  function attach() {
    var pressed = null;
    chart.on("mousedown", function (params) {
      if (params.dataType === "node") {
        pressed = { index: params.dataIndex, x: params.event.offsetX, y: params.event.offsetY };
      }
    });
    chart.getZr().on("mouseup", function (event) {
      if (!pressed) { return; }
      var start = pressed;
      pressed = null;
      var moved = Math.hypot(event.offsetX - start.x, event.offsetY - start.y);
      var person = data.nodes[start.index];
      if (moved < 6) { select(person.id, true); return; }
      if (!editable) { draw(); return; }
      var target = dropTarget(start.index, event.offsetX, event.offsetY);
      if (target === null || data.nodes[target].id === person.reportsTo) { draw(); return; }  // snap back
      var boss = data.nodes[target];
      chartElement.setAttribute("data-dropping", "1");
      window.htmx.ajax("POST", url("data-boss-url", person.id), {
        target: "#map-toast", swap: "innerHTML",
        values: { reports_to: String(boss.id) }, headers: { "X-CSRFToken": csrf() }
      }).then(function () {
        chartElement.removeAttribute("data-dropping");
        // Refused (a cycle): the toast says why and the node goes back where it was.
        if (!document.querySelector("#map-toast .relmap-undo")) { draw(); }
        var undo = document.querySelector("#map-toast .relmap-undo-button");
        if (undo) { undo.focus({ preventScroll: true }); }
      });
    });
    function zoomed() {
      if (!layout || layout.labels) { return; }
      var zoom = chart.getOption().series[0].zoom || 1;
      var show = layout.sx * zoom >= 64;
      // Zoomed in, a name may take its zoomed column's width.
      var width = Math.max(56, Math.min(150, layout.sx * zoom - 8));
      if (show !== layout.zoomedLabels || (show && Math.abs(width - (layout.labelWidth || 0)) > 8)) {
        layout.zoomedLabels = show;
        layout.labelWidth = width;
        chart.setOption({ series: [{ label: { show: show, width: width } }] });
      }
    }
    chart.on("graphRoam", zoomed);
    chart.on("graphroam", zoomed);
    chart.on("finished", function () { chartElement.setAttribute("data-chart-drawn", "1"); });
  }

  function drawTrend(scope) {
    if (typeof window.echarts === "undefined") { return; }
    (scope || document).querySelectorAll("[data-relmap-trend]").forEach(function (element) {
      if (element.getAttribute("data-chart-ready")) { return; }
      var source = document.getElementById(element.getAttribute("data-relmap-trend"));
      if (!source) { return; }
      var t = JSON.parse(source.textContent);
      var trend = window.echarts.init(element, null, { renderer: "svg" });
      trend.setOption({
        grid: { left: 4, right: 8, top: 28, bottom: 4, containLabel: true },
        legend: { top: 0, itemWidth: 14, textStyle: { fontSize: 11 } },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: t.dates, axisLabel: { fontSize: 10, hideOverlap: true } },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { fontSize: 10 } },
        series: [
          { type: "line", name: t.labels.overall, data: t.overall, symbolSize: 4, lineStyle: { color: "#1f4e8c" }, itemStyle: { color: "#1f4e8c" } },
          { type: "line", name: t.labels.coverage, data: t.coverage, symbolSize: 4, lineStyle: { color: "#d9822b", type: "dashed" }, itemStyle: { color: "#d9822b" } }
        ]
      });
      element.setAttribute("data-chart-ready", "1");
      window.addEventListener("resize", function () { trend.resize(); });
    });
  }

  function setUp() {
    if (chartElement && typeof window.echarts !== "undefined") {
      data = JSON.parse(document.getElementById(chartElement.getAttribute("data-source")).textContent);
      chartElement.setAttribute("data-people", String(data.nodes.length));
      chart = window.echarts.init(chartElement, null, { renderer: "canvas", devicePixelRatio: Math.max(2, window.devicePixelRatio || 1) });
      attach();
      draw();
      var pending = null;
      window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(draw, 150); });
    }
    drawTrend(document);
    document.body.addEventListener("kamMapChanged", function () {
      if (chartElement) { refresh(); } else if (root.getAttribute("data-view") === "chart") {
        // The first person on an empty map: the page now has a chart to draw.
        window.location.reload();
      } else {
        // The table view: read it again (the scores and gaps moved too).
        fetch(window.location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("relmap-table");
          var table = document.getElementById("relmap-table");
          if (fresh && table) { table.innerHTML = fresh.innerHTML; if (window.htmx) { window.htmx.process(table); } }
        });
      }
    });
    // A drag or its undo moved someone: the open person's panel shows their new boss.
    document.body.addEventListener("kamPersonMoved", function () {
      var panel = document.querySelector("#map-panel [data-person-panel]");
      if (panel && window.htmx) {
        window.htmx.ajax("GET", url("data-person-url", panel.getAttribute("data-person-panel")), { target: "#map-panel", swap: "innerHTML" });
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      drawTrend(event.target);
      var panel = event.target.querySelector ? event.target.querySelector("[data-person-panel]") : null;
      if (panel && chart) { select(parseInt(panel.getAttribute("data-person-panel"), 10), false); }
    });
    // A gap's name or a table row's name: select that person on the map too.
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-select-person]") : null;
      if (button && chart) { select(parseInt(button.getAttribute("data-select-person"), 10), false); }
    });
    var png = document.querySelector("[data-relmap-png]");
    if (png) {
      png.addEventListener("click", function () {
        if (!chart) { return; }
        var link = document.createElement("a");
        link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
        link.download = root.getAttribute("data-png-name") || "relationship-map.png";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    }
    var print = document.querySelector("[data-relmap-print]");
    if (print) { print.addEventListener("click", function () { window.print(); }); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
