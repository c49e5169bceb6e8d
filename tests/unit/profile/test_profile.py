"""The Regionsprofil: view model from the committed data, PDF text (pypdf) and page 1 (pdftoppm)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from ksg_dashboard.associations import model as associations
from ksg_dashboard.core import territory
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.selection import Selection, custom_cooperation, selected_ags
from ksg_dashboard.data import datastore
from ksg_dashboard.data.packed_shapes import PackedShapes
from ksg_dashboard.overview import model as overview
from ksg_dashboard.profile import model as profile
from ksg_dashboard.profile import pdf as profile_pdf

DATA = REPO_ROOT / "data"
ARTIFACTS = REPO_ROOT / "tests" / "e2e" / "artifacts"
LINK = "http://localhost:8501/?region=region-in-bewegung"
RIB_MEMBERS = {
    "14627050": "Gröditz",
    "14627340": "Wülknitz",
    "14627240": "Röderaue",
    "12062024": "Bad Liebenwerda",
    "12062124": "Elsterwerda",
}


@pytest.fixture(scope="module")
def frames():
    register = datastore.read_municipalities(DATA)
    successors = territory.successor_map(register)
    data = overview.OverviewData(
        shapes=PackedShapes.from_frame(datastore.read_municipality_shapes("regional", DATA)),
        shapes_overview=PackedShapes.from_frame(
            datastore.read_municipality_shapes("overview", DATA)
        ),
        states=datastore.read_states(DATA),
        districts=datastore.read_districts(DATA),
        register=register,
        population=datastore.read_population_2022(DATA),
        latest=None,
        cooperations=territory.resolve_members(datastore.read_cooperations(DATA), successors),
        measures=[],
    )
    extra = {
        "age": datastore.read_age_2015_territory(DATA),
        "migration": datastore.read_migration_2015_territory(DATA),
        "region_age": datastore.read_region_age_2015(DATA),
        "region_migration": datastore.read_region_migration_2015(DATA),
    }
    return data, extra, datastore.read_sources(DATA)


def _profile(frames, selection: Selection, records: list[dict] = ()):
    data, extra, sources = frames
    data = replace(data, cooperations=[*data.cooperations, *records])
    ags = selected_ags(selection, data.cooperations, data.register)
    model = profile.build_profile(
        data, selection, ags, sources, permalink=LINK, today=date(2026, 12, 1), **extra
    )
    return model, ags, data


def _text(pdf: bytes) -> str:
    """The PDF's text with every run of whitespace as one space (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _population(data, ags, year=2022) -> int:
    rows = data.population[(data.population["year"] == year) & data.population["ags"].isin(ags)]
    assert len(rows) == len(ags)
    return int(rows["population"].sum())


def _german(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def test_cooperation_profile_has_members_figures_and_sources(frames):
    model, ags, data = _profile(frames, Selection(regions=("region-in-bewegung",)))
    assert model.title == "Region in Bewegung" and model.kind == "Kooperation"
    assert set(ags) == set(RIB_MEMBERS)
    assert list(model.members["AGS"]) == ags
    figures = {f.label: f for f in model.figures}
    now, then = _population(data, ags), _population(data, ags, 2012)
    assert figures["Einwohner"].value == _german(now) == "28.152"
    assert figures["Einwohner"].reference == "Stand 31.12.2022"
    assert figures["Veränderung seit 2012"].value.startswith("−" + _german(then - now))
    assert figures["Gemeinden"].reference == "Gebietsstand 31.12.2022"
    assert {"population", "crosswalk", "boundaries", "municipal_age_2015", "cooperations"} <= set(
        model.sources
    )
    # The trend is the members' sum per year on the 2022 territory.
    assert int(model.trend.set_index("year").at[2012, "population"]) == then
    assert model.pyramid is not None and model.migration is not None

    pdf = profile_pdf.render_pdf(model)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    text = _text(pdf)
    for name in RIB_MEMBERS.values():
        assert name in text
    for key in ags:
        assert key in text
    assert "Region in Bewegung" in text and "28.152" in text and "−6,8 %" in text
    assert "Quellen und Lizenzen" in text and "erstellt am 01.12.2026" in text
    assert LINK in text
    sources = frames[2]
    for key in ("population", "boundaries", "municipal_age_2015", "migration_2015"):
        assert re.sub(r"\s+", " ", sources[key]["attribution"]) in text
        assert re.sub(r"\s+", " ", sources[key]["licence"]) in text


def test_cooperation_age_share_is_the_members_sum(frames):
    model, ags, _ = _profile(frames, Selection(regions=("region-in-bewegung",)))
    age = frames[1]["age"]
    rows = age[age["ags"].isin(ags) & (age["sex"] == "insgesamt") & ~age["is_total"]]
    share = rows.loc[rows["age_from"] >= 65, "population"].sum() / rows["population"].sum() * 100
    figure = next(f for f in model.dv_figures if f.label == "65 Jahre und älter")
    assert figure.value == f"{share:.1f}%".replace(".", ",")
    assert figure.reference == "Stichtag 31.12.2015"


def test_municipality_profile(frames):
    model, ags, data = _profile(frames, Selection(ags="14627050"))
    assert ags == ["14627050"]
    assert model.title.startswith("Gröditz") and "AGS 14627050" in model.subtitle
    text = _text(profile_pdf.render_pdf(model))
    assert _german(_population(data, ags)) in text  # 6.877
    assert "Meißen" in text and "cooperations" not in model.sources
    assert "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys" in text


def test_own_list_profile(frames):
    keys = ("14627050", "12062024", "12073532")  # Gröditz, Bad Liebenwerda, Schwedt/Oder
    record = custom_cooperation(keys, "Eigene Auswahl (liste.csv)")
    model, ags, data = _profile(
        frames, Selection(regions=("eigene-auswahl",), custom=keys), [record]
    )
    assert model.title == "Eigene Auswahl" and model.members_total == 3
    text = _text(profile_pdf.render_pdf(model))
    assert "Schwedt/Oder" in text and "liste.csv" in text
    assert _german(_population(data, ags)) in text
    assert "Kooperationen der Transferwerkstatt" not in text  # not a curated cooperation


def test_state_profile_lists_the_largest_and_says_so(frames):
    model, ags, _ = _profile(frames, Selection(states=("12",)))
    assert model.title == "Brandenburg" and len(ags) == 413
    assert len(model.members) == profile.MAX_MEMBER_ROWS
    assert model.members.iloc[0]["Gemeinde"].startswith("Potsdam")
    assert "413" in model.members_note
    pdf = profile_pdf.render_pdf(model)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    # The overview's Brandenburg figure (issue #13): +123.624 (+5,0 %).
    assert "+123.624 (+5,0 %)" in _text(pdf)


def test_association_profile(frames):
    bodies, members = datastore.read_associations(DATA)
    known = frames[0].population[["year", "ags"]]
    body = associations.as_cooperation(
        associations.AssociationData(bodies=bodies, members=members, known=known), "120735305"
    )
    model, ags, _ = _profile(frames, Selection(regions=(body["id"],)), [body])
    assert "Gerswalde" in model.title and "120735305" in model.subtitle
    assert "associations" in model.sources and len(ags) == len(model.members)


def test_unknown_values_stay_unknown(frames):
    model, _, _ = _profile(frames, Selection(regions=("region-in-bewegung",)))
    gap = replace(model, trend=model.trend.assign(population=pd.NA), pyramid=None)
    text = _text(profile_pdf.render_pdf(gap))
    assert "keine Angabe" in text


def test_empty_selection_is_refused(frames):
    data, _, sources = frames
    with pytest.raises(ValueError, match="Regionsprofil"):
        profile.build_profile(data, Selection(), [], sources)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_page_one_renders_with_a_drawn_map(frames, tmp_path):
    model, _, _ = _profile(frames, Selection(regions=("region-in-bewegung",)))
    source = tmp_path / "profil.pdf"
    source.write_bytes(profile_pdf.render_pdf(model))
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(source), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("p*.png")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, ARTIFACTS / "regionsprofil-seite1.png")  # to look at
    image = Image.open(png).convert("RGB")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
    # The map (upper left) holds the members' blue fill.
    box = image.crop((int(width * 0.07), int(height * 0.13), int(width * 0.47), int(height * 0.35)))
    pixels = np.asarray(box).reshape(-1, 3).astype(int)
    blue = ((pixels[:, 2] > 150) & (pixels[:, 0] < 150)).sum()
    assert blue > 0.1 * len(pixels)


def test_file_name_is_ascii_and_named_after_the_title():
    assert profile.file_name("Region in Bewegung") == "regionsprofil_region-in-bewegung.pdf"
    assert profile.file_name("Gröditz, Stadt") == "regionsprofil_groeditz-stadt.pdf"
    assert profile.file_name("../..") == "regionsprofil_auswahl.pdf"


def test_error_pdf_says_what_to_do():
    text = _text(profile_pdf.error_pdf("Die Datendatei x.parquet fehlt. Bitte „make data“."))
    assert "Regionsprofil nicht erstellt" in text and "make data" in text
