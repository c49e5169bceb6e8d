/* Keeps map labels inside the map after every move and zoom (maps.builders.LabelsInside).
   A Jinja template: folium fills the {{ this.… }} fields when the map renders
   (the file is the body of the element's `script` macro). Sent as one line: the
   lines are joined without line breaks and whole-line // comments are dropped
   (assets.one_line), so a // comment may not follow code on its line. */
(function (map) {
  var FLIP = {'ksg-host-label': 'ksg-flip', 'ksg-stop-label': 'ksg-stop-label-left'};
  function fit() {
    var box = map.getContainer().getBoundingClientRect(), pad = 4;
    // not laid out yet
    if (box.width < 60 || box.height < 60) return;
    var els = map.getContainer().querySelectorAll(
      '.ksg-label, .ksg-host-label, .ksg-stop-label');
    els.forEach(function (el) {
      el.style.translate = '';
      Object.keys(FLIP).forEach(function (k) {
        if (!el.classList.contains(k)) return;
        if (el.dataset.ksgFlipped) {
          el.classList.remove(FLIP[k]); delete el.dataset.ksgFlipped; }
        if (el.getBoundingClientRect().right > box.right - pad
            && !el.classList.contains(FLIP[k])) {
          el.classList.add(FLIP[k]); el.dataset.ksgFlipped = '1'; }
      });
      var r = el.getBoundingClientRect(), dx = 0, dy = 0;
      if (r.right > box.right - pad) dx = box.right - pad - r.right;
      if (r.left + dx < box.left + pad) dx = box.left + pad - r.left;
      if (r.bottom > box.bottom - pad) dy = box.bottom - pad - r.bottom;
      if (r.top + dy < box.top + pad) dy = box.top + pad - r.top;
      // Only nudge a label that straddles the edge: one whose point lies outside stays put.
      if (Math.abs(dx) > r.width) dx = 0;
      if (Math.abs(dy) > r.height) dy = 0;
      if (dx || dy) el.style.translate = dx + 'px ' + dy + 'px';
    });
  }
  map.on('moveend zoomend resize', fit);
  if (window.ResizeObserver) new ResizeObserver(function () { setTimeout(fit, 50); })
    .observe(map.getContainer());
  map.whenReady(function () { setTimeout(fit, 0); setTimeout(fit, 400); });
  window.ksgFitLabels = fit;
})({{ this._parent.get_name() }});
