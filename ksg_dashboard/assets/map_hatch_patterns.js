/* SVG hatch patterns, one per colour (maps.builders.HatchPatterns).
   A Jinja template: folium fills the {{ this.… }} fields when the map renders
   (the file is the body of the element's `script` macro). Sent as one line: the
   lines are joined without line breaks and whole-line // comments are dropped
   (assets.one_line), so a // comment may not follow code on its line. */
(function (colours) {
  var NS = 'http://www.w3.org/2000/svg';
  var svg = document.getElementById('ksg-hatches');
  if (!svg) {
    svg = document.createElementNS(NS, 'svg'); svg.id = 'ksg-hatches';
    svg.setAttribute('width', '0'); svg.setAttribute('height', '0');
    svg.style.position = 'absolute';
    svg.appendChild(document.createElementNS(NS, 'defs'));
    document.body.appendChild(svg);
  }
  colours.forEach(function (c, i) {
    var id = 'ksg-hatch-' + c.replace('#', '').toLowerCase();
    if (document.getElementById(id)) return;
    var p = document.createElementNS(NS, 'pattern');
    p.id = id; p.setAttribute('patternUnits', 'userSpaceOnUse');
    p.setAttribute('width', '9'); p.setAttribute('height', '9');
    // Every other colour at the opposite angle: a third membership cross-hatches.
    p.setAttribute('patternTransform', 'rotate(' + (i % 2 ? -45 : 45) + ')');
    var l = document.createElementNS(NS, 'rect');
    l.setAttribute('width', '4'); l.setAttribute('height', '9');
    l.setAttribute('fill', c);
    // A white edge keeps the stripes apart from a fill of a similar colour below.
    var w = document.createElementNS(NS, 'rect');
    w.setAttribute('x', '4'); w.setAttribute('width', '1.5');
    w.setAttribute('height', '9'); w.setAttribute('fill', '#ffffff');
    p.appendChild(l); p.appendChild(w); svg.firstChild.appendChild(p);
  });
})({{ this.colours|tojson }});
