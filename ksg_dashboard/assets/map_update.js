/* Replaces the map inside a map slot's iframe by a new view, once per view (sent as
   streamlit-folium's `feature_group`, evaluated where its `script` and `header` are visible;
   see maps.render_cache._update_script).
   Placeholders (string.Template), all JSON except $count_field: $view (view digest),
   $header_digest, $slot (slot key), $click_fields (list of click fields), $count_json and
   $count_field (the click-count field, as JSON string and as property name), $layers (the
   view's layer files as [digest, url] pairs, see maps.layer_files). */
(function () {
var view = $view;
var frame = window.frameElement;
var mark = function () {
  window.__ksgView = view;
  window.__ksgHeader = $header_digest;
  if (frame) { frame.dataset.ksgSlot = $slot; frame.dataset.ksgView = view; }
};
if (window.__ksgView === view) return;
if (window.__ksgView == null) { mark(); return; }
var viewScript = script, viewHeader = header;
var draw = function () {
  if (window.__ksgWanted !== view) return;  // a later view was asked for meanwhile
  if (window.__ksgHeader !== $header_digest) {
    document.head.insertAdjacentHTML('beforeend', viewHeader);
  }
  if (window.map) { window.map.off(); window.map.remove(); }
  var g = window.__GLOBAL_DATA__;
  g.lat_lng_clicked = null; g.last_object_clicked = null;
  g.last_object_clicked_tooltip = null; g.last_object_clicked_popup = null;
  g.last_active_drawing = null; g.all_drawings = null;
  var returned = g.returned_objects || [];
  var sent = {}; $click_fields.forEach(function (k) {
    if (returned.indexOf(k) >= 0) sent[k] = k === $count_json ? g.$count_field : null;
  });
  g.previous_data = sent;
  try {
    eval(viewScript + '\n;window.__ksgNewMap = map_div;');
    window.map = window.__ksgNewMap;
    window.initComponent(window.map, false);
  } finally {
    mark();
  }
};
var failed = function () {
  if (window.__ksgWanted !== view) return;
  var note = document.getElementById('ksg-layer-error') || document.createElement('div');
  note.id = 'ksg-layer-error';
  note.setAttribute('role', 'alert');
  note.textContent = 'Kartenebenen konnten nicht geladen werden. Bitte die Seite neu laden.';
  note.style.cssText = 'position:absolute;top:8px;left:50%;transform:translateX(-50%);' +
    'z-index:1000;background:#fff;border:1px solid #b00020;color:#b00020;padding:4px 8px;' +
    'font:14px sans-serif';
  document.body.appendChild(note);
  mark();
};
window.__ksgWanted = view;
var store = window.__ksgLayers || (window.__ksgLayers = {});
var missing = $layers.filter(function (layer) { return !(layer[0] in store); });
if (!missing.length) { draw(); return; }
Promise.all(missing.map(function (layer) {
  return new Promise(function (resolve, reject) {
    var tag = document.createElement('script');
    tag.src = layer[1];
    tag.onload = function () { (layer[0] in window.__ksgLayers) ? resolve() : reject(); };
    tag.onerror = reject;
    document.head.appendChild(tag);
  });
})).then(draw, failed);
})();
