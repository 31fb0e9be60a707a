"""Stored entities and projects as the entity store needs them, in memory,
so that resolving an article's entities costs no query per entity.

The store builds one index per article, inside the file's transaction, from
the rows for the names the article uses (`entity_store.read_stored_names`),
or one for a whole run that is the database's only writer
(`entity_store.read_all_names`); every write it makes goes to the index too.
`transaction` undoes what a block added if it raises.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator

_ABSENT = object()

EntityKey = tuple[str, str]  # (name or alias, type)


@dataclass
class EntityIndex:
    names: dict[EntityKey, int] = field(default_factory=dict)  # canonical (name, type) -> entity id
    # (alias, type) -> the entity whose row for that alias is oldest: the one
    # SQLite's alias index returned first when this was a query.
    aliases: dict[EntityKey, int] = field(default_factory=dict)
    # (name or alias, type) -> entity: the rows of `entity_names` (first claimer keeps it).
    claimed: dict[EntityKey, int] = field(default_factory=dict)
    canonical: dict[int, str] = field(default_factory=dict)  # entity id -> name
    projects: dict[int, int] = field(default_factory=dict)  # entity id -> project id
    _undo: list[tuple[dict, object, object]] = field(default_factory=list)

    @classmethod
    def from_rows(
        cls,
        entities: Iterable[tuple[int, str, str]],
        aliases: Iterable[tuple[int, str, str]],
        projects: Iterable[tuple[int, int]],
    ) -> EntityIndex:
        """From (id, name, type) entities, (entity id, alias, type) aliases in
        row order, and (entity id, project id) projects."""
        index = cls()
        for entity_id, name, type_ in entities:
            index.names[(name, type_)] = entity_id
            index.canonical[entity_id] = name
        for entity_id, alias, type_ in aliases:
            index.aliases.setdefault((alias, type_), entity_id)
            index.claimed.setdefault((alias, type_), entity_id)
        index.projects.update(projects)
        return index

    def find(self, forms: set[str], type_: str) -> int | None:
        """The entity of `type_` named by one of `forms`: the longest form that
        is known decides, and a canonical name beats an alias."""
        for form in sorted(forms, key=len, reverse=True):
            entity_id = self.names.get((form, type_))
            if entity_id is None:
                entity_id = self.aliases.get((form, type_))
            if entity_id is not None:
                return entity_id
        return None

    def has_name(self, name: str, type_: str) -> bool:
        return (name, type_) in self.names

    def add_entity(self, entity_id: int, name: str, type_: str) -> None:
        self._set(self.names, (name, type_), entity_id)
        self._set(self.canonical, entity_id, name)

    def rename(self, entity_id: int, name: str, type_: str) -> None:
        self._set(self.names, (self.canonical[entity_id], type_), _ABSENT)
        self.add_entity(entity_id, name, type_)

    def add_alias(self, entity_id: int, alias: str, type_: str) -> None:
        # A later row for an alias already known does not change which entity it names.
        if (alias, type_) not in self.aliases:
            self._set(self.aliases, (alias, type_), entity_id)

    def record_claims(self, claims: dict[EntityKey, int]) -> None:
        """Names newly claimed in `entity_names`: from now on they name their
        claimer, as when the index is read from those rows again."""
        for key, entity_id in claims.items():
            self._set(self.claimed, key, entity_id)
            self._set(self.aliases, key, entity_id)

    def add_project(self, entity_id: int, project_id: int) -> None:
        self._set(self.projects, entity_id, project_id)

    @contextmanager
    def transaction(self) -> Iterator[EntityIndex]:
        """Keep the changes made in the block if it succeeds, undo them if it raises."""
        self._undo.clear()
        try:
            yield self
        except BaseException:
            for mapping, key, previous in reversed(self._undo):
                _put(mapping, key, previous)
            raise
        finally:
            self._undo.clear()

    def _set(self, mapping: dict, key, value) -> None:
        self._undo.append((mapping, key, mapping.get(key, _ABSENT)))
        _put(mapping, key, value)


def _put(mapping: dict, key, value) -> None:
    if value is _ABSENT:
        mapping.pop(key, None)
    else:
        mapping[key] = value
