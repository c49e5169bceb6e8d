/* Map features are no Tab stops (maps.builders.NoTabStops).
   A Jinja template: folium fills the {{ this.… }} fields when the map renders
   (the file is the body of the element's `script` macro). Sent as one line: the
   lines are joined without line breaks and whole-line // comments are dropped
   (assets.one_line), so a // comment may not follow code on its line. */
(function (map) {
 function off() { map.getContainer().querySelectorAll(
'.leaflet-interactive:not([tabindex])').forEach(function (e) {
 e.setAttribute('tabindex', '-1'); }); }
 map.on('layeradd', function () { setTimeout(off, 0); });
 map.whenReady(function () { setTimeout(off, 0); });
})({{ this._parent.get_name() }});
