/* Mount every chart of the page. The server writes each chart's complete ECharts option as JSON in
   <script type="application/json" id="..."> (no inline code: CSP allows scripts from this server only);
   an element <div class="chart" data-option="ID"> receives it. */
(function () {
  "use strict";
  var charts = [];
  function mount() {
    var nodes = document.querySelectorAll("[data-option]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var source = document.getElementById(el.getAttribute("data-option"));
      if (!source) { continue; }
      var option = JSON.parse(source.textContent);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      el.setAttribute("data-rendered", "1");
      charts.push(chart);
    }
  }
  window.addEventListener("resize", function () {
    for (var i = 0; i < charts.length; i++) { charts[i].resize(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
