"""One colour palette for cooperations on every map and chart (Okabe–Ito, colour-blind safe).

Each workshop cooperation keeps its colour by id, whatever order or subset a page draws, so
"Region in Bewegung" is orange on the overview, on the tour and in every chart. A municipality
in a second region is hatched in the second colour (never a second translucent fill, which
mixes into a colour of its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Okabe & Ito (2008), "Color Universal Design".
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
BLACK = "#000000"
OKABE_ITO = (ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE, BLACK)

# The five cooperations of the workshop, fixed by id.
COOPERATION_COLOURS = {
    "region-in-bewegung": ORANGE,
    "kurstadtregion-elbe-elster": BLUE,
    "mittelbereich-templin": BLUISH_GREEN,
    "ag-bachtal": REDDISH_PURPLE,
    "bad-berleburg": SKY_BLUE,
}
CUSTOM_ID = "eigene-auswahl"  # selection.CUSTOM_ID (not imported: this module has no deps)
CUSTOM_COLOUR = VERMILLION  # the planner's own list
# Further regions (a selected Gemeindeverband, cooperations added to the file later).
EXTRA_COLOURS = ("#5b3a8e", "#8a5a00", "#005f73")
HOST_COLOUR = "#1d2630"  # the host star: dark with a white halo, readable on every fill
MEASURE_COLOUR = "#6a3d9a"  # other programme municipalities
# Chart series that are not regions (municipality, states, Germany): greys and black.
REFERENCE_COLOURS = ("#6b7580", "#a3acb5", "#3d4650")
GERMANY_COLOUR = BLACK


def region_colours(region_ids: Iterable[str]) -> dict[str, str]:
    """A colour per region id: fixed for the workshop cooperations, vermillion for the
    planner's own list, then further colours in order for everything else."""
    colours: dict[str, str] = {}
    extra = 0
    for region in dict.fromkeys(region_ids):
        if region in COOPERATION_COLOURS:
            colours[region] = COOPERATION_COLOURS[region]
        elif region == CUSTOM_ID:
            colours[region] = CUSTOM_COLOUR
        else:
            colours[region] = EXTRA_COLOURS[extra % len(EXTRA_COLOURS)]
            extra += 1
    return colours


def hatch_id(colour: str) -> str:
    """Id of the SVG hatch pattern in a colour (see maps.HatchPatterns)."""
    return "ksg-hatch-" + colour.lstrip("#").lower()


def hatch_fill(colour: str) -> str:
    """An SVG fill that hatches in `colour` (Leaflet's SVG renderer writes it as `fill`)."""
    return f"url(#{hatch_id(colour)})"


def series_colours(labels: Iterable[str], region_colours_by_label: Mapping[str, str]) -> list[str]:
    """Colours of chart series: a region's series in its map colour, Germany black, the
    others (municipality, states) in greys."""
    result = []
    other = 0
    for label in labels:
        if label in region_colours_by_label:
            result.append(region_colours_by_label[label])
        elif label == "Deutschland":
            result.append(GERMANY_COLOUR)
        else:
            result.append(REFERENCE_COLOURS[other % len(REFERENCE_COLOURS)])
            other += 1
    return result
