"""The place table of the synthetic incidents: nine countries, their actors, outlets and towns.

Real names and coordinates (rounded from public gazetteers), ACLED-like shares of the events;
read once, at import, by :mod:`geoevents.testing.synthetic`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["COUNTRIES", "COUNTRIES_BY_ISO3", "Country", "Town"]


class Town(NamedTuple):
    admin1: str
    location: str
    lat: float
    lon: float


class Country(NamedTuple):
    name: str
    iso3: str
    iso: int  # ISO 3166-1 numeric, as ACLED's ``iso`` column
    region: str  # ACLED's region
    share: float  # of all incidents
    armed: tuple[str, ...]  # armed actors
    outlets: tuple[str, ...]  # national news outlets
    towns: tuple[Town, ...]


# One line per country (name | iso3 | ISO numeric | ACLED region | share), its armed actors and
# news outlets, then its towns (admin1 | location | lat | lon; coordinates rounded from public
# gazetteers). Written as text so that the table reads as a table.
_TABLE = """
Syria | SYR | 760 | Middle East | 0.20
  armed: Military Forces of Syria; Hayat Tahrir al Sham; Islamic State (Syria)
  armed: QSD: Syrian Democratic Forces; Syrian National Army; Unidentified Armed Group (Syria)
  armed: Military Forces of Russia
  news: Syrian Observatory for Human Rights; SANA; Enab Baladi; Deir Ezzor 24
  Aleppo | Aleppo | 36.2021 | 37.1343
  Aleppo | Al Bab | 36.3706 | 37.5157
  Idleb | Idleb | 35.9306 | 36.6339
  Idleb | Maarrat An Numan | 35.6477 | 36.6742
  Ar-Raqqa | Ar-Raqqa | 35.9528 | 39.0079
  Deir-ez-Zor | Deir-ez-Zor | 35.3359 | 40.1408
  Deir-ez-Zor | Al Mayadin | 35.0196 | 40.4527
  Homs | Homs | 34.7324 | 36.7137
  Homs | Tadmor | 34.5600 | 38.2800
  Hama | Hama | 35.1318 | 36.7578
  Damascus | Damascus | 33.5138 | 36.2765
  Rural Damascus | Douma | 33.5722 | 36.4025
  Al-Hasakeh | Al-Hasakeh | 36.5024 | 40.7477
Yemen | YEM | 887 | Middle East | 0.15
  armed: Military Forces of Yemen - Supreme Political Council
  armed: Military Forces of Yemen - Government; Southern Transitional Council
  armed: AQAP: Al Qaeda in the Arabian Peninsula; Military Forces of Saudi Arabia
  armed: Unidentified Armed Group (Yemen)
  news: Al Masdar Online; Yemen Monitor; Saba News Agency; Al Ayyam
  Amanat al Asimah | Sanaa | 15.3694 | 44.1910
  Taizz | Taizz | 13.5795 | 44.0209
  Al Hudaydah | Al Hudaydah | 14.7978 | 42.9545
  Marib | Marib | 15.4620 | 45.3253
  Sadah | Sadah | 16.9402 | 43.7639
  Al Bayda | Al Bayda | 13.9850 | 45.5727
  Shabwah | Ataq | 14.5377 | 46.8319
  Aden | Aden | 12.7855 | 45.0187
  Hadramawt | Al Mukalla | 14.5425 | 49.1242
  Ibb | Ibb | 13.9667 | 44.1833
Afghanistan | AFG | 4 | Caucasus and Central Asia | 0.12
  armed: Military Forces of Afghanistan; Taliban; Islamic State (Afghanistan)
  armed: NRF: National Resistance Front; Unidentified Armed Group (Afghanistan)
  news: Pajhwok Afghan News; TOLOnews; Khaama Press; Hasht-e Subh
  Kabul | Kabul | 34.5553 | 69.2075
  Kandahar | Kandahar | 31.6289 | 65.7372
  Herat | Herat | 34.3529 | 62.2040
  Balkh | Mazar-e Sharif | 36.7090 | 67.1109
  Kunduz | Kunduz | 36.7280 | 68.8570
  Nangarhar | Jalalabad | 34.4265 | 70.4515
  Helmand | Lashkar Gah | 31.5938 | 64.3708
  Ghazni | Ghazni | 33.5451 | 68.4174
  Farah | Farah | 32.3745 | 62.1164
  Baghlan | Pul-e Khumri | 35.9446 | 68.7151
Nigeria | NGA | 566 | Western Africa | 0.12
  armed: Military Forces of Nigeria; Police Forces of Nigeria
  armed: Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad
  armed: Islamic State West Africa Province (ISWAP); Fulani Ethnic Militia (Nigeria)
  armed: Unidentified Armed Group (Nigeria)
  news: Premium Times; Daily Trust; Punch; HumAngle; Vanguard
  Borno | Maiduguri | 11.8311 | 13.1510
  Borno | Bama | 11.5219 | 13.6856
  Borno | Damboa | 11.1553 | 12.7564
  Borno | Monguno | 12.6700 | 13.6100
  Adamawa | Yola | 9.2035 | 12.4954
  Kaduna | Kaduna | 10.5105 | 7.4165
  Zamfara | Gusau | 12.1628 | 6.6614
  Katsina | Katsina | 12.9908 | 7.6018
  Plateau | Jos | 9.8965 | 8.8583
  Benue | Makurdi | 7.7322 | 8.5391
  Niger | Minna | 9.6139 | 6.5569
Iraq | IRQ | 368 | Middle East | 0.10
  armed: Military Forces of Iraq; Police Forces of Iraq; Islamic State (Iraq)
  armed: PMF: Popular Mobilization Forces; Peshmerga - Kurdistan Regional Government
  armed: Unidentified Armed Group (Iraq)
  news: Shafaq News; Rudaw; Kurdistan 24; Iraqi News Agency
  Baghdad | Baghdad | 33.3152 | 44.3661
  Ninewa | Mosul | 36.3350 | 43.1189
  Kirkuk | Kirkuk | 35.4681 | 44.3922
  Anbar | Ramadi | 33.4206 | 43.3078
  Anbar | Fallujah | 33.3500 | 43.7833
  Salah al-Din | Tikrit | 34.6071 | 43.6782
  Salah al-Din | Tuz Khurmatu | 34.8814 | 44.6325
  Diyala | Baquba | 33.7500 | 44.6333
  Erbil | Erbil | 36.1912 | 44.0092
  Najaf | Najaf | 32.0000 | 44.3333
Mali | MLI | 466 | Western Africa | 0.09
  armed: Military Forces of Mali; JNIM: Group for Support of Islam and Muslims
  armed: Islamic State (Sahel); Wagner Group; Dan Na Ambassagou; Unidentified Armed Group (Mali)
  news: Studio Tamani; Maliweb; Radio France Internationale
  Mopti | Mopti | 14.4843 | -4.1830
  Mopti | Djenne | 13.9061 | -4.5533
  Mopti | Douentza | 15.0019 | -2.9497
  Gao | Gao | 16.2717 | -0.0447
  Tombouctou | Timbuktu | 16.7666 | -3.0026
  Kidal | Kidal | 18.4411 | 1.4078
  Menaka | Menaka | 15.9182 | 2.4022
  Segou | Segou | 13.4317 | -6.2157
  Bamako | Bamako | 12.6392 | -8.0029
Burkina Faso | BFA | 854 | Western Africa | 0.08
  armed: Military Forces of Burkina Faso; VDP: Volunteers for the Defense of the Homeland
  armed: JNIM: Group for Support of Islam and Muslims; Islamic State (Sahel)
  armed: Unidentified Armed Group (Burkina Faso)
  news: Lefaso.net; Burkina24; Agence d'Information du Burkina
  Centre | Ouagadougou | 12.3714 | -1.5197
  Sahel | Djibo | 14.1022 | -1.6306
  Sahel | Dori | 14.0354 | -0.0345
  Centre-Nord | Kaya | 13.0917 | -1.0844
  Est | Fada N'gourma | 12.0616 | 0.3584
  Nord | Ouahigouya | 13.5828 | -2.4216
  Boucle du Mouhoun | Dedougou | 12.4634 | -3.4608
Somalia | SOM | 706 | Eastern Africa | 0.08
  armed: Military Forces of Somalia; Al Shabaab
  armed: ATMIS: African Union Transition Mission in Somalia; Islamic State (Somalia)
  armed: Clan Militia (Somalia)
  news: Garowe Online; Hiiraan Online; Shabelle Media Network; Radio Dalsan
  Banadir | Mogadishu | 2.0469 | 45.3182
  Bay | Baidoa | 3.1136 | 43.6500
  Lower Juba | Kismayo | -0.3582 | 42.5454
  Lower Shabelle | Afgooye | 2.1381 | 45.1212
  Lower Shabelle | Marka | 1.7159 | 44.7717
  Middle Shabelle | Jowhar | 2.7809 | 45.5005
  Mudug | Gaalkacyo | 6.7697 | 47.4308
  Nugaal | Garoowe | 8.4054 | 48.4845
  Gedo | Baardheere | 2.3447 | 42.2764
Niger | NER | 562 | Western Africa | 0.06
  armed: Military Forces of Niger; Islamic State (Sahel)
  armed: JNIM: Group for Support of Islam and Muslims
  armed: Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad
  armed: Unidentified Armed Group (Niger)
  news: ActuNiger; Air Info; Radio France Internationale
  Niamey | Niamey | 13.5116 | 2.1254
  Tillaberi | Tillaberi | 14.2117 | 1.4531
  Tillaberi | Ouallam | 14.3188 | 2.0866
  Tahoua | Tahoua | 14.8888 | 5.2692
  Agadez | Agadez | 16.9742 | 7.9865
  Zinder | Zinder | 13.8050 | 8.9881
  Diffa | Diffa | 13.3154 | 12.6113
"""


def _countries(table: str) -> tuple[Country, ...]:
    """Parse :data:`_TABLE`: a country's line, then its ``armed:``, ``news:`` and town lines."""
    countries: list[dict[str, Any]] = []
    for line in table.strip().splitlines():
        key, _, rest = line.strip().partition(": ")
        if not line.startswith("  "):
            name, iso3, iso, region, share = (f.strip() for f in line.split("|"))
            countries.append(
                {
                    "name": name,
                    "iso3": iso3,
                    "iso": int(iso),
                    "region": region,
                    "share": float(share),
                    "armed": [],
                    "outlets": [],
                    "towns": [],
                }
            )
        elif key in ("armed", "news") and "|" not in line:
            field = "armed" if key == "armed" else "outlets"
            countries[-1][field] += [a.strip() for a in rest.split(";")]
        else:
            admin1, location, lat, lon = (f.strip() for f in line.split("|"))
            countries[-1]["towns"].append(Town(admin1, location, float(lat), float(lon)))
    return tuple(
        Country(**{k: tuple(v) if isinstance(v, list) else v for k, v in c.items()})
        for c in countries
    )


#: The place table: every incident is in one of these towns' countries.
COUNTRIES = _countries(_TABLE)

COUNTRIES_BY_ISO3 = {c.iso3: c for c in COUNTRIES}
