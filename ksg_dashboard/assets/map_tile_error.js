/* A German notice on the map when online tiles fail to load (maps.builders.TileErrorNotice).
   A Jinja template: folium fills the {{ this.… }} fields when the map renders
   (the file is the body of the element's `script` macro). Sent as one line: the
   lines are joined without line breaks and whole-line // comments are dropped
   (assets.one_line), so a // comment may not follow code on its line. */
(function (map, tiles) {
  var shown = false;
  tiles.on('tileerror', function () {
    if (shown) return; shown = true;
    var box = L.DomUtil.create('div', 'ksg-tile-error', map.getContainer());
    box.setAttribute('role', 'status');
    box.textContent = {{ this.text|tojson }};
    box.style.cssText = 'position:absolute;z-index:1000;top:8px;left:50%;transform:translateX(-50%);max-width:calc(100% - 90px);background:#fff;color:#1d2630;border:1px solid #7a8793;border-radius:4px;padding:4px 8px;font:600 13px system-ui,sans-serif;box-shadow:0 1px 4px #0004;';
  });
})({{ this._parent.get_name() }}, {{ this.tiles.get_name() }});
