/* Names what the map shows on its container (maps.builders.MapScope).
   A Jinja template: folium fills the {{ this.… }} fields when the map renders
   (the file is the body of the element's `script` macro). Sent as one line: the
   lines are joined without line breaks and whole-line // comments are dropped
   (assets.one_line), so a // comment may not follow code on its line. */
(function (el) {
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', {{ ('Karte: ' ~ this.scope)|tojson }});
  el.dataset.ksgScope = {{ this.scope|tojson }};
})({{ this._parent.get_name() }}.getContainer());
