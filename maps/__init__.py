"""maps: Folium map builders; pure functions of GeoDataFrames, no database, no disk."""
