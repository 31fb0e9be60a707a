"""Places from the national gazetteers shipped in packages (no download at run time).

jionlp ships the divisions down to towns with their division codes; cpca ships
coordinates for county-level divisions (read from its CSV directly, not by
importing cpca, which needs pkg_resources at import).
"""
from __future__ import annotations

import contextlib
import csv
import io
from bisect import bisect_right
from dataclasses import dataclass, field
import importlib.util
from itertools import accumulate
from pathlib import Path

LEVELS = ("province", "city", "county", "town")
# Suffixes a short form may drop (longest first); the short form keeps >= 2 chars.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "街道", "省", "市", "区", "县", "镇", "乡", "旗", "盟")


class GazetteerUnavailable(RuntimeError):
    """The packaged gazetteer data cannot be read."""


@dataclass
class Place:
    name: str
    level: str
    adcode: str | None
    parent: "Place | None" = None
    aliases: list[str] = field(default_factory=list)
    longitude: float | None = None
    latitude: float | None = None

    def chain(self) -> list["Place"]:
        out, p = [], self
        while p is not None:
            out.append(p)
            p = p.parent
        return out


def short_forms(name: str, level: str) -> list[str]:
    """Forms a text writes for a division: 昌平区 -> 昌平, 南口地区 -> 南口."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            # 内蒙古自治区 -> 内蒙古; minority suffixes (壮族…) are left for brevity.
            return [stem, stem + "街"] if suffix == "街道" else [stem]  # 荔城街道 -> 荔城, 荔城街
    return []


def read_coordinates() -> dict[str, tuple[float, float]]:
    """cpca's county-level coordinates keyed by 6-digit adcode."""
    spec = importlib.util.find_spec("cpca")  # locate without importing
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerUnavailable("cpca is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover
        raise GazetteerUnavailable(str(exc)) from exc
    out: dict[str, tuple[float, float]] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        try:
            out[row["adcode"][:6]] = (float(row["longitude"]), float(row["latitude"]))
        except (KeyError, ValueError):
            continue
    return out


class Gazetteer:
    """Divisions by name and short form, with their parent chain."""

    def __init__(self, places: list[Place]):
        self.places = places
        self.names = {place.name for place in places}  # full names, beside the short forms
        self.by_form: dict[str, list[Place]] = {}
        self.towns_of: dict[str, list[Place]] = {}
        for place in places:
            for form in (place.name, *place.aliases):
                self.by_form.setdefault(form, []).append(place)
            if place.level == "town" and place.parent is not None:
                self.towns_of.setdefault(place.parent.name + (place.parent.adcode or ""), []).append(place)
        self.upper_forms = FormMatcher(f for f, ps in self.by_form.items() if any(p.level != "town" for p in ps))
        self._town_forms: dict[str, FormMatcher] = {}
        self._chain_names: dict[str, frozenset[str]] = {}

    def town_forms(self, county: Place) -> "FormMatcher":
        """The names and short forms of the towns under `county`, built on first use."""
        key = county.name + (county.adcode or "")
        if key not in self._town_forms:
            self._town_forms[key] = FormMatcher(f for t in self.towns_of.get(key, []) for f in (t.name, *t.aliases))
        return self._town_forms[key]

    def chain_names(self, form: str) -> frozenset[str]:
        """The names of the provinces and cities `form` may name and of the divisions above
        them; found once per form."""
        names = self._chain_names.get(form)
        if names is None:
            names = self._chain_names[form] = frozenset(
                p.name for place in self.by_form.get(form, []) if place.level in ("province", "city") for p in place.chain())
        return names

    def candidates(self, form: str, level_filter: tuple[str, ...] | None = None) -> list[Place]:
        return [p for p in self.by_form.get(form, []) if level_filter is None or p.level in level_filter]


class FormMatcher:
    """Leftmost-longest occurrences of a fixed set of names in a text, by an Aho-Corasick
    automaton: one pass over the text whatever the number of names (thousands here)."""

    def __init__(self, forms):
        import ahocorasick_rs

        self.forms = set(forms)
        self._patterns = sorted(self.forms)
        self._one_line = not any("\n" in form for form in self._patterns)
        self._automaton = ahocorasick_rs.AhoCorasick(self._patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest) if self.forms else None

    def __contains__(self, form: str) -> bool:
        return form in self.forms

    def __bool__(self) -> bool:
        return bool(self.forms)

    def __reduce__(self):  # the automaton does not pickle; it is rebuilt from the names
        return FormMatcher, (self._patterns,)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, form) for each occurrence, in character offsets."""
        if self._automaton is None:
            return []
        patterns = self._patterns
        return [(start, end, patterns[i]) for i, start, end in self._automaton.find_matches_as_indexes(text)]

    def find_each(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """`find` for each text (in its own offsets), in one pass over them joined by line
        breaks (a pass costs more than its text): where no form holds a line break, each
        occurrence is one text's."""
        if not self._one_line:
            return [self.find(text) for text in texts]
        starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        for start, end, form in self.find("\n".join(texts)):
            k = bisect_right(starts, start) - 1
            out[k].append((start - starts[k], end - starts[k], form))
        return out


def load_gazetteer() -> Gazetteer:
    """Build the gazetteer from jionlp's division table and cpca's coordinates."""
    try:
        # jionlp prints a banner on import; it must not reach our command's output.
        with contextlib.redirect_stdout(io.StringIO()):
            from jionlp.dictionary.dictionary_loader import china_location_loader
    except ImportError as exc:  # pragma: no cover
        raise GazetteerUnavailable(str(exc)) from exc
    table = china_location_loader(detail=True)
    coords = read_coordinates()
    places: list[Place] = []

    def make(name: str, level: str, adcode: str | None, parent: Place | None) -> Place:
        place = Place(name=name, level=level, adcode=adcode, parent=parent, aliases=short_forms(name, level))
        if adcode and adcode[:6] in coords:
            place.longitude, place.latitude = coords[adcode[:6]]
        places.append(place)
        return place

    for prov_name, prov in table.items():
        province = make(prov_name, "province", prov.get("_admin_code"), None)
        for city_name, city in prov.items():
            if city_name.startswith("_"):
                continue
            # Municipalities repeat themselves as their own city: keep one place.
            city_place = province if city_name == prov_name else make(city_name, "city", city.get("_admin_code"), province)
            for county_name, county in city.items():
                if county_name.startswith("_"):
                    continue
                county_place = make(county_name, "county", county.get("_admin_code"), city_place)
                for town_name in county:
                    if town_name.startswith("_"):
                        continue
                    make(town_name, "town", None, county_place)
    return Gazetteer(places)
