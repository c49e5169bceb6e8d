/* No placeholders: sent as it is, inside the map script (maps.builders.EncodedChoropleth). */
// Draws many municipality polygons from encoded polylines on one canvas renderer.
// Data: [precision, geometry: [[[ring, ...], ...], ...]] plus per-feature colour index and label.
// Rings are Google encoded polylines, decoded by @mapbox/polyline (loaded before this script).
(function () {
  window.ksgEncodedLayer = function (map, layer, colourIndex, palette, labels, missingColour,
                                     flagged) {
    var precision = layer[0];
    var geometry = layer[1];
    var renderer = L.canvas({padding: 0.2});
    var group = L.featureGroup();
    var missing = [];
    for (var i = 0; i < geometry.length; i++) {
      var polygons = geometry[i].map(function (rings) {
        return rings.map(function (ring) { return polyline.decode(ring, precision); });
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
