"""Event types: the ACLED event type and sub-event type a sentence's keywords suggest.

The keyword rules and the qualifiers that decide between sub-event types (who captured a place,
who was attacked, how a protest was met) are data: ``vocabulary/event_rules.txt`` and
``vocabulary/event_qualifiers.txt``.
"""

from __future__ import annotations

import functools
import re

from geoevents.extract.lexicon import blocks

__all__ = ["DEFAULT_EVENT", "classify"]

#: Default event classification when no keyword fires.
DEFAULT_EVENT = ("Strategic developments", "Other")


@functools.cache
def _rules() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, event type, sub-event type) in the order they are tried."""
    out = []
    for header, pattern in blocks("event_rules"):
        event_type, sub = (part.strip() for part in header.split("|"))
        out.append((re.compile(pattern), event_type, sub))
    return tuple(out)


@functools.cache
def _qualifiers() -> dict[str, re.Pattern[str]]:
    """Qualifier name -> its pattern, matched as whole words."""
    return {name: re.compile(rf"\b(?:{pattern})\b") for name, pattern in blocks("event_qualifiers")}


def classify(sentence: str) -> tuple[str, str, bool]:
    """Guess the ACLED event type and sub-event type of a sentence from its keywords.

    A capture is the government's when a government force is named before any non-state
    group (the subject comes first), and not "fell to".

    Parameters
    ----------
    sentence : str
        One sentence.

    Returns
    -------
    (event_type, sub_event_type, cue)
        ``cue`` is False when no keyword fired and the default
        (``Strategic developments``, ``Other``) is returned.
    """
    low = sentence.lower()
    has = _qualifiers()
    for pattern, event_type, sub in _rules():
        if not pattern.search(low):
            continue
        if sub == "territory":
            gov, rebel = has["government"].search(low), has["non_state"].search(low)
            first = gov and (not rebel or gov.start() < rebel.start())
            if first and not has["fell_to"].search(low):
                return "Battles", "Government regains territory", True
            if rebel:
                return "Battles", "Non-state actor overtakes territory", True
            continue
        if sub == "protest":
            if has["excessive_force"].search(low):
                return "Protests", "Excessive force against protesters", True
            if has["intervention"].search(low):
                return "Protests", "Protest with intervention", True
            return "Protests", "Peaceful protest", True
        if sub == "storm":
            if has["armed"].search(low):
                return "Battles", "Armed clash", True
            if has["civilians"].search(low):
                return "Violence against civilians", "Attack", True
            return "Riots", "Violent demonstration", True
        if event_type == "attack":
            if has["armed"].search(low):
                return "Battles", "Armed clash", True
            if has["civilians"].search(low):
                return "Violence against civilians", "Attack", True
            continue
        return event_type, sub, True
    return (*DEFAULT_EVENT, False)
