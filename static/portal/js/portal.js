/* Portal-wide enhancements, loaded deferred on every page (base.html). */
(function () {
  "use strict";

  // A table or code example wider than the screen scrolls inside its box (.table-responsive,
  // .api-example). Such a box must be reachable with the keyboard (Tab, then the arrow keys) and
  // say what it holds (WCAG 2.1.1): it becomes a focusable region named after its table's
  // caption or the heading of its section. Boxes that fit get nothing, so wide screens have no
  // extra tab stops.
  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim().replace(/\s+/g, " ");
    }
    var section = box.closest("section, article, main");
    var heading = section && section.querySelector("h1, h2, h3, h4");
    return heading ? heading.textContent.trim().replace(/\s+/g, " ") : document.title;
  }

  function markScrollRegions() {
    document.querySelectorAll(".table-responsive, .api-example").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.dataset.scrollRegion) {
        box.dataset.scrollRegion = "true";
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
      } else if (!scrolls && box.dataset.scrollRegion) {
        delete box.dataset.scrollRegion;
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  var pending = null;
  function soon() {
    window.clearTimeout(pending);
    pending = window.setTimeout(markScrollRegions, 150);
  }

  markScrollRegions();
  window.addEventListener("resize", soon);
  document.body.addEventListener("htmx:afterSettle", markScrollRegions);
})();
