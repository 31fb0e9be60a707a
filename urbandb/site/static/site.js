// urbandb pages: clicking (or Enter on) a highlight shows its details in a
// panel; after load, <html data-rendered="…"> records how many highlights and
// milestones, table rows, chart bars and map points are actually drawn (a
// check the browser test reads).
(function () {
  function show(mark) {
    var panel = document.getElementById("urbandb-detail");
    if (!panel) return;
    panel.querySelector(".urbandb-detail-text").textContent = mark.getAttribute("title") || "";
    var link = panel.querySelector(".urbandb-detail-link");
    var href = mark.getAttribute("data-href");
    if (href) { link.href = href; link.hidden = false; } else { link.hidden = true; }
    panel.hidden = false;
    document.querySelectorAll("mark.selected").forEach(function (m) { m.classList.remove("selected"); });
    mark.classList.add("selected");
  }
  document.addEventListener("click", function (event) {
    var mark = event.target.closest("article mark");
    if (mark) { show(mark); return; }
    if (event.target.closest(".urbandb-detail-close")) {
      document.getElementById("urbandb-detail").hidden = true;
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("article mark")) show(event.target);
  });
  function drawn(selector) {
    return Array.prototype.filter.call(document.querySelectorAll(selector), function (el) {
      var style = getComputedStyle(el);
      return el.getClientRects().length > 0 && style.visibility !== "hidden" &&
        style.backgroundColor !== "rgba(0, 0, 0, 0)" && style.backgroundColor !== "transparent";
    }).length;
  }
  function shown(selector) {
    return Array.prototype.filter.call(document.querySelectorAll(selector), function (el) {
      var box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    }).length;
  }
  // Datasette's menu button is titled in English in its base template.
  document.addEventListener("DOMContentLoaded", function () {
    var menuTitle = document.getElementById("nav-menu-svg-title");
    if (menuTitle) menuTitle.textContent = "\u83dc\u5355";  // 菜单
  });
  window.addEventListener("load", function () {
    document.documentElement.setAttribute("data-rendered", JSON.stringify({
      metrics: drawn("article mark.metric"),
      mentions: drawn("article mark.mention"),
      milestones: drawn(".urbandb-timeline .milestone"),
      paragraphs: document.querySelectorAll("article .para, .urbandb-mentions blockquote").length,
      rows: shown("table.rows-and-columns tbody tr"),
      tallestRow: Math.max.apply(null, [0].concat(Array.prototype.map.call(
        document.querySelectorAll("table.rows-and-columns tbody tr"),
        function (tr) { return Math.round(tr.getBoundingClientRect().height); }))),
      bars: shown("svg.urbandb-chart rect"),
      mapPoints: shown("svg.urbandb-map .map-point circle")
    }));
  });
})();
