"""Maps without internet: folium builders, layer frames, the encoded Germany-wide layer, rendered-
map cache.
"""
