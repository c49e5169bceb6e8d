"""The indicator registry: every indicator the app shows, with definition, formula, unit,
reference date, territorial level, sources and caveats (pure, no Streamlit).

Pages pick indicators from here and the page "Indikatoren & Quellen" is generated from it, so the
documentation cannot drift from what is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

THEMES: dict[str, str] = {
    "bevoelkerung": "Bevölkerung",
    "altersstruktur": "Altersstruktur",
    "wanderungen": "Wanderungen",
    "natuerliche_bewegung": "Natürliche Bewegung",
}

# Caveats shared by several indicators (German, for the reader).
CENSUS_BREAK = (
    "Zensus 2011: Werte bis 2011 beruhen auf der Fortschreibung früherer Zählungen, ab 2012 auf "
    "dem Zensus 2011. Veränderungen über 2011/2012 hinweg sind nur eingeschränkt vergleichbar."
)
NRW_2016 = (
    "31.12.2016: Für sechs Gemeinden in Nordrhein-Westfalen hat Destatis keine Werte "
    "veröffentlicht; sie bleiben leer. Summen für NRW und Deutschland 2016 stammen aus der "
    "Kreistabelle 12411-0018; Destatis bezeichnet ihre Genauigkeit als eingeschränkt."
)
TERRITORY = (
    "Gebietsstand: Standard ist der Gebietsstand 31.12.2022 (Vorgänger zusammengefasst), damit "
    "Fusionen nicht als Wachstum erscheinen. Wahlweise „jeweiliger Gebietsstand“; dort sind "
    "Werte über eine Gebietsänderung hinweg markiert."
)
AREA_SURVEY = (
    "Flächen können sich ohne Gebietsänderung leicht ändern (Neuvermessung, Umstellung auf das "
    "Liegenschaftskataster ALKIS)."
)
NOT_CURRENT_2015 = (
    "Stichtag 31.12.2015 (Jahr 2015): neuere Werte je Gemeinde liegen hier nicht vor; die Werte "
    "beschreiben nicht den heutigen Stand."
)
UNKNOWN_VALUES = (
    "Fehlende Werte bleiben „keine Angabe“ (in der Quelle vor allem Schlüssel von Gemeinden, die "
    "es Ende 2015 nicht mehr gab); eine Summe über eine Auswahl mit fehlenden Werten wird nicht "
    "gebildet. Ein einzelnes „-“ gilt nur dann als 0, wenn die veröffentlichten Summen es belegen."
)
OTHER_STATUS = (
    "Zwei Länder stehen in der Quelle auf einem anderen Gebietsstand: Rheinland-Pfalz auf dem "
    "des Folgejahres, Baden-Württemberg auf dem vom 01.01.2011."
)
TERRITORY_2015 = (
    "Gebietsstand: Die Werte von 2015 sind auf die Gemeinden vom 31.12.2022 umgerechnet "
    "(Vorgänger zusammengefasst, bei Teilungen nach Bevölkerungsanteilen des "
    "BBSR-Umstiegsschlüssels, gerundet)."
)
DISTRICT_LEVEL = (
    "Nur je Kreis bzw. kreisfreier Stadt veröffentlicht: bei einer Gemeinde oder Kooperation "
    "werden die Werte der Kreise gezeigt, in denen sie liegt."
)
DISTRICT_STATUS = (
    "Jedes Jahr steht auf seinem eigenen Gebietsstand; Kreisreformen (z. B. Sachsen 2008, "
    "Mecklenburg-Vorpommern 2011) unterbrechen die Reihen einzelner Kreise."
)

RATE_YEARS = (
    "Je-1.000-Raten nur 2010 bis 2015: für frühere Jahre liegt hier keine Bevölkerungszahl je "
    "Kreis vor; die absoluten Zahlen reichen bis 1995 zurück."
)

POPULATION_SOURCE = ("population",)
AGE_SOURCE = ("municipal_age_2015",)
MIGRATION_SOURCE = ("migration_2015",)
NATURAL_SOURCE = ("natural_change",)

MUNICIPAL_LEVEL = "Gemeinde; Kooperationen, eigene Listen, Länder und Deutschland als Summe"
MUNICIPAL_2015 = "Gemeinde; Kooperationen und eigene Listen als Summe der Mitglieder"
YEARLY = "31.12.2010 bis 31.12.2022, jährlich"
STICHTAG_2015 = "31.12.2015"
YEAR_2015 = "Kalenderjahr 2015 (Jahressumme)"


@dataclass(frozen=True)
class IndicatorDoc:
    """What an indicator means and rests on."""

    key: str
    theme: str
    label: str
    unit: str
    digits: int
    definition: str
    formula: str
    reference: str
    level: str
    sources: tuple[str, ...]
    caveats: tuple[str, ...] = ()
    diverging: bool = False

    @property
    def title(self) -> str:
        """'Label (unit)' or just the label."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


def _population(key, label, unit, digits, definition, formula, caveats, diverging=False):
    return IndicatorDoc(
        key,
        "bevoelkerung",
        label,
        unit,
        digits,
        definition,
        formula,
        YEARLY,
        MUNICIPAL_LEVEL,
        POPULATION_SOURCE,
        caveats,
        diverging,
    )


def _age(key, label, unit, definition, formula, extra=()):
    return IndicatorDoc(
        key,
        "altersstruktur",
        label,
        unit,
        1,
        definition,
        formula,
        STICHTAG_2015,
        MUNICIPAL_2015,
        AGE_SOURCE,
        (NOT_CURRENT_2015, TERRITORY_2015, UNKNOWN_VALUES, OTHER_STATUS, *extra),
    )


def _migration(key, label, unit, digits, definition, formula, diverging=True):
    return IndicatorDoc(
        key,
        "wanderungen",
        label,
        unit,
        digits,
        definition,
        formula,
        YEAR_2015,
        MUNICIPAL_2015,
        (*MIGRATION_SOURCE, *AGE_SOURCE) if "1.000" in unit else MIGRATION_SOURCE,
        (
            NOT_CURRENT_2015,
            "Gezählt werden Umzüge über die Gemeindegrenze (auch innerhalb einer Kooperation); "
            "bei einer Kooperation sind Umzüge zwischen ihren Mitgliedern daher enthalten.",
            "2015 war ein Jahr außergewöhnlich hoher Zuwanderung aus dem Ausland; Zuzüge aus "
            "dem Ausland zählen mit, daher ist der Saldo für Deutschland und viele Gemeinden "
            "2015 deutlich positiv.",
            TERRITORY_2015,
            UNKNOWN_VALUES,
            OTHER_STATUS,
        ),
        diverging,
    )


def _natural(key, label, unit, digits, definition, formula, diverging=False):
    rate = "1.000" in unit
    return IndicatorDoc(
        key,
        "natuerliche_bewegung",
        label,
        unit,
        digits,
        definition,
        formula,
        "2010 bis 2015, Kalenderjahre" if rate else "1995 bis 2015, Kalenderjahre",
        "Kreis und kreisfreie Stadt; Länder und Deutschland",
        (*NATURAL_SOURCE, "population") if rate else NATURAL_SOURCE,
        (DISTRICT_LEVEL, DISTRICT_STATUS, *((RATE_YEARS,) if rate else ())),
        diverging,
    )


_CHANGE_CAVEATS = (CENSUS_BREAK, TERRITORY, NRW_2016)

CATALOGUE: tuple[IndicatorDoc, ...] = (
    _population(
        "einwohner",
        "Einwohner",
        "Personen",
        0,
        "Bevölkerung mit Hauptwohnsitz am 31.12. des Jahres (Bevölkerungsfortschreibung).",
        "Anzahl; für Auswahlen Summe über die Gemeinden",
        (CENSUS_BREAK, TERRITORY, NRW_2016),
    ),
    _population(
        "maennlich",
        "Einwohner männlich",
        "Personen",
        0,
        "Männliche Bevölkerung am 31.12.",
        "Anzahl",
        (CENSUS_BREAK, TERRITORY, NRW_2016),
    ),
    _population(
        "weiblich",
        "Einwohnerinnen",
        "Personen",
        0,
        "Weibliche Bevölkerung am 31.12.",
        "Anzahl",
        (CENSUS_BREAK, TERRITORY, NRW_2016),
    ),
    _population(
        "frauenanteil",
        "Frauenanteil",
        "%",
        1,
        "Anteil der Frauen an der Bevölkerung.",
        "weiblich ÷ Einwohner × 100",
        (CENSUS_BREAK, TERRITORY),
    ),
    _population(
        "flaeche",
        "Fläche",
        "km²",
        1,
        "Katasterfläche der Gemeinde am 31.12.",
        "km²; für Auswahlen Summe",
        (AREA_SURVEY, TERRITORY),
    ),
    _population(
        "dichte",
        "Bevölkerungsdichte",
        "Einw./km²",
        0,
        "Einwohner je Quadratkilometer Fläche.",
        "Einwohner ÷ Fläche (km²)",
        (CENSUS_BREAK, AREA_SURVEY, TERRITORY),
    ),
    _population(
        "veraenderung",
        "Veränderung seit Basisjahr",
        "Personen",
        0,
        "Zu- oder Abnahme der Einwohnerzahl zwischen dem Basisjahr und dem gewählten Jahr.",
        "Einwohner(Jahr) − Einwohner(Basisjahr)",
        _CHANGE_CAVEATS,
        diverging=True,
    ),
    _population(
        "veraenderung_pct",
        "Veränderung seit Basisjahr",
        "%",
        1,
        "Relative Zu- oder Abnahme der Einwohnerzahl seit dem Basisjahr.",
        "(Einwohner(Jahr) ÷ Einwohner(Basisjahr) − 1) × 100",
        _CHANGE_CAVEATS,
        diverging=True,
    ),
    _population(
        "index",
        "Index (Basisjahr = 100)",
        "",
        1,
        "Einwohnerzahl im Verhältnis zum Basisjahr.",
        "Einwohner(Jahr) ÷ Einwohner(Basisjahr) × 100",
        _CHANGE_CAVEATS,
        diverging=True,
    ),
    _age(
        "anteil_unter_6",
        "Anteil unter 6 Jahren",
        "%",
        "Anteil der Kinder unter 6 Jahren (Krippe, Kita) an der Bevölkerung.",
        "(unter 3 + 3 bis unter 6 Jahre) ÷ Bevölkerung insgesamt × 100",
    ),
    _age(
        "anteil_unter_18",
        "Anteil unter 18 Jahren",
        "%",
        "Anteil der Kinder und Jugendlichen unter 18 Jahren (Schule) an der Bevölkerung.",
        "Summe der Altersgruppen unter 18 Jahren ÷ Bevölkerung insgesamt × 100",
    ),
    _age(
        "anteil_18_64",
        "Anteil 18 bis 64 Jahre",
        "%",
        "Anteil der Bevölkerung im erwerbsfähigen Alter von 18 bis unter 65 Jahren.",
        "Altersgruppen 18 bis unter 65 Jahre ÷ Bevölkerung insgesamt × 100",
    ),
    _age(
        "anteil_65_plus",
        "Anteil 65 Jahre und älter",
        "%",
        "Anteil der Bevölkerung ab 65 Jahren (Pflege, ärztliche Versorgung, Mobilität).",
        "(65 bis unter 75 + 75 Jahre und mehr) ÷ Bevölkerung insgesamt × 100",
    ),
    _age(
        "anteil_75_plus",
        "Anteil 75 Jahre und älter",
        "%",
        "Anteil der Hochbetagten ab 75 Jahren an der Bevölkerung.",
        "75 Jahre und mehr ÷ Bevölkerung insgesamt × 100",
    ),
    _age(
        "jugendquotient",
        "Jugendquotient",
        "je 100",
        "Personen unter 20 Jahren je 100 Personen von 20 bis unter 65 Jahren.",
        "unter 20 Jahre ÷ 20 bis unter 65 Jahre × 100",
    ),
    _age(
        "altenquotient",
        "Altenquotient",
        "je 100",
        "Personen ab 65 Jahren je 100 Personen von 20 bis unter 65 Jahren.",
        "65 Jahre und mehr ÷ 20 bis unter 65 Jahre × 100",
    ),
    _migration(
        "zuzuege",
        "Zuzüge",
        "Personen",
        0,
        "Zuzüge über die Gemeindegrenze im Jahr 2015.",
        "Anzahl der Zuzüge; für Auswahlen Summe",
        diverging=False,
    ),
    _migration(
        "fortzuege",
        "Fortzüge",
        "Personen",
        0,
        "Fortzüge über die Gemeindegrenze im Jahr 2015.",
        "Anzahl der Fortzüge; für Auswahlen Summe",
        diverging=False,
    ),
    _migration(
        "wanderungssaldo",
        "Wanderungssaldo",
        "Personen",
        0,
        "Zuzüge minus Fortzüge über die Gemeindegrenze im Jahr 2015.",
        "Zuzüge − Fortzüge",
    ),
    _migration(
        "wanderungssaldo_je_1000",
        "Wanderungssaldo je 1.000 Einwohner",
        "je 1.000 Einw.",
        1,
        "Wanderungssaldo im Verhältnis zur Bevölkerung.",
        "(Zuzüge − Fortzüge) ÷ Bevölkerung am 31.12.2015 × 1.000",
    ),
    _migration(
        "bildungswanderung",
        "Bildungswanderung (18 bis 24 Jahre)",
        "je 1.000 Einw.",
        1,
        "Wanderungssaldo der 18- bis unter 25-Jährigen – Ausbildung und Studium – je 1.000 "
        "Einwohner dieses Alters.",
        "(Zuzüge − Fortzüge, 18 bis unter 25 Jahre) ÷ Bevölkerung 18 bis unter 25 Jahre "
        "am 31.12.2015 × 1.000",
    ),
    _migration(
        "familienwanderung",
        "Familienwanderung (unter 18 und 30 bis 49 Jahre)",
        "je 1.000 Einw.",
        1,
        "Wanderungssaldo der Kinder unter 18 Jahren und der 30- bis unter 50-Jährigen – "
        "Familien mit Kindern – je 1.000 Einwohner dieser Altersgruppen.",
        "(Saldo unter 18 + Saldo 30 bis unter 50 Jahre) ÷ Bevölkerung unter 18 und 30 bis "
        "unter 50 Jahre am 31.12.2015 × 1.000",
    ),
    _natural(
        "geburten",
        "Lebendgeborene",
        "Personen",
        0,
        "Lebendgeborene eines Kalenderjahres.",
        "Anzahl; für Länder und Deutschland die Zeilen der Quelle",
    ),
    _natural(
        "sterbefaelle",
        "Gestorbene",
        "Personen",
        0,
        "Sterbefälle eines Kalenderjahres.",
        "Anzahl",
    ),
    _natural(
        "natuerlicher_saldo",
        "Natürlicher Saldo",
        "Personen",
        0,
        "Lebendgeborene minus Gestorbene; negativ: mehr Sterbefälle als Geburten.",
        "Lebendgeborene − Gestorbene",
        diverging=True,
    ),
    _natural(
        "geburten_je_1000",
        "Lebendgeborene je 1.000 Einwohner",
        "je 1.000 Einw.",
        1,
        "Lebendgeborene eines Jahres im Verhältnis zur Bevölkerung.",
        "Lebendgeborene ÷ Bevölkerung am 31.12. des Jahres × 1.000",
    ),
    _natural(
        "sterbefaelle_je_1000",
        "Gestorbene je 1.000 Einwohner",
        "je 1.000 Einw.",
        1,
        "Sterbefälle eines Jahres im Verhältnis zur Bevölkerung.",
        "Gestorbene ÷ Bevölkerung am 31.12. des Jahres × 1.000",
    ),
    _natural(
        "natuerlicher_saldo_je_1000",
        "Natürlicher Saldo je 1.000 Einwohner",
        "je 1.000 Einw.",
        1,
        "Geburten minus Sterbefälle im Verhältnis zur Bevölkerung; negativ: mehr Sterbefälle "
        "als Geburten.",
        "(Lebendgeborene − Gestorbene) ÷ Bevölkerung am 31.12. des Jahres × 1.000",
        diverging=True,
    ),
)

BY_KEY: dict[str, IndicatorDoc] = {doc.key: doc for doc in CATALOGUE}


def in_theme(theme: str) -> list[IndicatorDoc]:
    """The indicators of one theme, in catalogue order."""
    return [doc for doc in CATALOGUE if doc.theme == theme]


def theme_of(key: str) -> str | None:
    """The theme an indicator belongs to (None for an unknown key)."""
    doc = BY_KEY.get(key)
    return doc.theme if doc else None


def entry_href(key: str, base_path: str = "") -> str:
    """Link to the indicator's entry on the page "Indikatoren & Quellen"."""
    base = base_path.strip("/")
    return f"/{base + '/' if base else ''}indikatoren?indikator={key}"


def sources_used(docs: Iterable[IndicatorDoc]) -> list[str]:
    """Dataset ids the given indicators rest on, in first-use order."""
    return list(dict.fromkeys(s for doc in docs for s in doc.sources))
