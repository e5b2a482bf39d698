"""Actors: the armed groups and forces a sentence names, from a curated vocabulary.

Named groups and their aliases are data (``vocabulary/actors.txt``: ``IS``/``ISIS``/``Daesh`` ->
``Islamic State``); a nation's adjective before a force noun names its forces (``Iraqi troops``
-> ``Military Forces of Iraq``, ``vocabulary/nations.txt``); a bare force noun (``soldiers``,
``police``) names the forces of the country the incident is in; unnamed armed men (``gunmen``,
``bandits``) are an ``Unidentified Armed Group``. The cues are in ``vocabulary/actor_cues.txt``.

The reporting's attribution is not fact: a group the author only alleges (``suspected``,
``believed to be``, or in a sentence that says no one claimed the attack) is recorded as an
``Unidentified Armed Group``, with the alleged name kept in a tag (``alleged:<name>``) for the
analyst. A group's own claim (``JNIM said it carried out``) names it, as ACLED codes claims.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from geoevents.extract.lexicon import blocks, lines

__all__ = ["PROTESTERS", "UNIDENTIFIED", "ActorFinding", "find_actors", "nation_names"]

#: ACLED's name for armed men the reporting does not identify.
UNIDENTIFIED = "Unidentified Armed Group"

#: The actor of a protest whose organisers are not named.
PROTESTERS = "Protesters"


@dataclass
class ActorFinding:
    """The actors of a sentence, in the order they appear, and what the analyst should know.

    ``names`` are distinct actor names, first mention first; ``alleged`` the groups the reporting
    only alleges (recorded as :data:`UNIDENTIFIED`).
    """

    names: list[str] = field(default_factory=list)
    alleged: list[str] = field(default_factory=list)


@functools.cache
def _aliases() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(alias pattern, actor name), longest alias first."""
    pairs: list[tuple[str, str]] = []
    for line in lines("actors"):
        name, *aliases = (part.strip() for part in line.split("|"))
        for alias in {name, *aliases}:
            pairs.append((alias, name))
    pairs.sort(key=lambda p: -len(p[0]))
    out = []
    for alias, name in pairs:
        body = re.escape(alias).replace(r"\ ", r"[\s-]+").replace("'", "['’]?")
        # Capitals-only aliases (IS, SDF) match only as written; the rest in any case.
        flags = 0 if alias.isupper() and len(alias) <= 6 else re.IGNORECASE
        out.append((re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags), name))
    return tuple(out)


@functools.cache
def _nations() -> dict[str, tuple[str, str]]:
    """Adjective -> (ISO3, English name)."""
    out = {}
    for line in lines("nations"):
        adjective, iso3, name = line.split(maxsplit=2)
        out[adjective] = (iso3, name)
    return out


def nation_names() -> dict[str, str]:
    """ISO3 -> the English name used in "Military Forces of <name>"."""
    return {iso3: name for iso3, name in _nations().values()}


@functools.cache
def _cues() -> dict[str, re.Pattern[str]]:
    out = {}
    for name, pattern in blocks("actor_cues"):
        if name in ("speaker_after", "alleged_before", "described_before", "described_after"):
            out[name] = re.compile(pattern, re.IGNORECASE)
        else:
            out[name] = re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)
    return out


@functools.cache
def _national_force() -> re.Pattern[str]:
    adjectives = "|".join(a.capitalize() for a in _nations())
    return re.compile(
        rf"\b(?P<adj>{adjectives})(?:-led)?\s+(?:(?:government|security|special|federal|state|"
        r"regular|military|army|armed|ground|air|naval|border)\s+)?"
        r"(?P<noun>[a-z-]+(?:\s+(?:forces|force|guards|officers|service))?)\b"
    )


def _military(iso3: str | None) -> str | None:
    name = nation_names().get(iso3 or "")
    return f"Military Forces of {name}" if name else None


def _police(iso3: str | None) -> str | None:
    name = nation_names().get(iso3 or "")
    return f"Police Forces of {name}" if name else None


def find_actors(sentence: str, *, iso3: str | None = None, protest: bool = False) -> ActorFinding:
    """Return the actors a sentence names.

    Parameters
    ----------
    sentence : str
        One sentence (or several joined, for a merged incident).
    iso3 : str, optional
        The country the incident is in: a bare ``soldiers`` or ``police`` are its forces.
    protest : bool
        Whether the event is a protest or riot (its crowd is :data:`PROTESTERS`).

    Returns
    -------
    ActorFinding
    """
    cues = _cues()
    found: list[tuple[int, str]] = []
    alleged: list[str] = []
    taken: list[tuple[int, int]] = []
    conjecture = bool(cues["no_claim"].search(sentence))

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in taken)

    def speaker(end: int) -> bool:
        return bool(cues["speaker_after"].match(sentence[end : end + 60]))

    for pattern, name in _aliases():
        for m in pattern.finditer(sentence):
            if not free(m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            before, after = sentence[max(0, m.start() - 40) : m.start()], sentence[m.end() :]
            if cues["described_before"].search(before) or cues["described_after"].match(after):
                continue  # "al-Qaeda-linked JNIM": al-Qaeda only describes JNIM
            if conjecture or cues["alleged_before"].search(before):
                alleged.append(name)
                found.append((m.start(), UNIDENTIFIED))
                continue
            found.append((m.start(), name))

    for m in _national_force().finditer(sentence):
        if not free(m.start(), m.end()):
            continue
        noun = m.group("noun")
        nation = _nations()[m.group("adj").lower()][0]
        if cues["police"].fullmatch(noun):
            actor = _police(nation)
        elif cues["military"].fullmatch(noun) or noun in ("military", "army"):
            actor = _military(nation)
        else:
            continue
        taken.append((m.start(), m.end()))
        if actor and not speaker(m.end()):
            found.append((m.start(), actor))

    for kind, make in (("military", _military), ("police", _police)):
        for m in cues[kind].finditer(sentence):
            if not free(m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            if m.group(0).lower() in ("air strike", "air strikes", "airstrike", "airstrikes"):
                continue  # a weapon, not a force, unless a nation's adjective said whose
            if m.group(0).lower() in ("drone", "drones", "artillery", "jets", "forces"):
                continue
            actor = make(iso3)
            if actor and not speaker(m.end()):
                found.append((m.start(), actor))

    for m in cues["unnamed"].finditer(sentence):
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            found.append((m.start(), UNIDENTIFIED))

    if protest:
        for m in cues["protesters"].finditer(sentence):
            if free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                found.append((m.start(), PROTESTERS))

    out = ActorFinding(alleged=list(dict.fromkeys(alleged)))
    for _, name in sorted(found):
        if name not in out.names:
            out.names.append(name)
    return out
