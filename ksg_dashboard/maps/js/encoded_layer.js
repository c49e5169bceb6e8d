// Draws many municipality polygons from encoded polylines on one canvas renderer.
// Data: [precision, geometry: [[[ring, ...], ...], ...]] plus per-feature colour index and label.
(function () {
  function decode(str, factor) {
    var points = [], index = 0, lat = 0, lon = 0;
    while (index < str.length) {
      var result = 0, shift = 0, byte;
      do { byte = str.charCodeAt(index++) - 63; result |= (byte & 0x1f) << shift; shift += 5; }
      while (byte >= 0x20);
      lat += (result & 1) ? ~(result >> 1) : (result >> 1);
      result = 0; shift = 0;
      do { byte = str.charCodeAt(index++) - 63; result |= (byte & 0x1f) << shift; shift += 5; }
      while (byte >= 0x20);
      lon += (result & 1) ? ~(result >> 1) : (result >> 1);
      points.push([lat / factor, lon / factor]);
    }
    return points;
  }
  window.ksgEncodedLayer = function (map, layer, colourIndex, palette, labels, missingColour,
                                     flagged) {
    var factor = Math.pow(10, layer[0]);
    var geometry = layer[1];
    var renderer = L.canvas({padding: 0.2});
    var group = L.featureGroup();
    var missing = [];
    for (var i = 0; i < geometry.length; i++) {
      var polygons = geometry[i].map(function (rings) {
        return rings.map(function (ring) { return decode(ring, factor); });
      });
      var c = colourIndex[i];
      if (c < 0) missing.push(i);
      var flag = flagged && flagged[i];
      // A value spanning a territorial change (published territory): dark dashed outline.
      var shape = L.polygon(polygons, {
        renderer: renderer, weight: flag ? 1.2 : 0.3, color: flag ? '#111111' : '#ffffff',
        opacity: flag ? 0.9 : 0.6, dashArray: flag ? '3 2' : null,
        fillColor: c < 0 ? missingColour : palette[c], fillOpacity: 0.9,
        className: 'ksg-municipality'
      });
      shape.bindTooltip(labels[i], {sticky: true, direction: 'top', className: 'ksg-tip'});
      group.addLayer(shape);
    }
    group.addTo(map);
    window.ksgEncodedLayerCount = geometry.length;
    window.ksgEncodedLayerMissing = missing;  // positions drawn in the "no value" colour
    return group;
  };
})();
