/* Replaces the map inside a map slot's iframe by a new view, once per view (sent as
   streamlit-folium's `feature_group`, evaluated where its `script` and `header` are visible;
   see maps.render_cache._update_script).
   Placeholders (string.Template), all JSON except $count_field: $view (view digest),
   $header_digest, $slot (slot key), $click_fields (list of click fields), $count_json and
   $count_field (the click-count field, as JSON string and as property name). */
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
if (window.__ksgHeader !== $header_digest) {
  document.head.insertAdjacentHTML('beforeend', header);
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
  eval(script + '\n;window.__ksgNewMap = map_div;');
  window.map = window.__ksgNewMap;
  window.initComponent(window.map, false);
} finally {
  mark();
}
})();
