"""Medicines as people write them: brand or generic names, local spellings, doses and typos of case.

The vocabulary lives in ``clinical/data/medicines.json`` (generic names, other spellings, UK and US
brand names, and the classes the rules use, each class with its sources). Matching folds case,
accents, spacing and punctuation, splits a dose glued to a name (``sertraline50mg``), and compares
whole words only: ``citalopram`` never matches ``escitalopram`` and ``lithium`` never matches
``lithiumx``.

>>> from twitchscope.clinical.knowledge import match_medicines
>>> [m.name for m in match_medicines(["Piriton 4mg", "NYTOL one-a-night"])]  # doctest: +SKIP
['chlorphenamine', 'diphenhydramine']

(:func:`~twitchscope.clinical.knowledge.match_medicines` lives beside the knowledge base it loads,
so this module never imports the knowledge base that imports it.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_WORD = re.compile(r"[a-z0-9]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")


def fold_words(text: str) -> tuple[str, ...]:
    """Fold a medicine name to its words: lower case, no accents, punctuation as spaces.

    ``"Co-careldopa 12.5mg/50mg"`` -> ``("co", "careldopa", "12", "5", "mg", "50", "mg")``;
    ``"St John's wort"`` -> ``("st", "johns", "wort")``.
    """
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    plain = plain.replace("'", "").replace("\u2019", "")  # John's -> johns
    plain = _LETTER_DIGIT.sub(" ", plain)
    return tuple(_WORD.findall(plain))


@dataclass(frozen=True)
class MedicineMatch:
    """One medicine recognised in what a person wrote.

    Attributes
    ----------
    written : str
        The entry as the person wrote it (``"Piriton 4mg"``).
    name : str
        The generic name it stands for (``"chlorphenamine"``).
    classes : tuple of str
        The classes of that medicine (``("sedating_antihistamine",)``).
    note : str
        A caution about the medicine, or about the brand name written (``name_notes`` in the data:
        a brand that means different medicines in different countries).
    """

    written: str
    name: str
    classes: tuple[str, ...]
    note: str = ""

    def describe(self, class_label: str | None = None) -> str:
        """``"Piriton 4mg (chlorphenamine, a sedating antihistamine)"``.

        The generic name is added only when the person did not write it, and the class only
        when it says more than the name.
        """
        words, name = fold_words(self.written), fold_words(self.name)
        n = len(name)
        written_generic = any(words[i : i + n] == name for i in range(len(words) - n + 1))
        inner = [] if written_generic else [self.name]
        if class_label and fold_words(class_label) != name:
            inner.append(class_label)
        text = self.written + (f" ({', '.join(inner)})" if inner else "")
        return text + (f". {self.note}" if self.note else "")


@dataclass(frozen=True)
class MedicineReport:
    """What was recognised in a list of medicine entries, and what was not."""

    matches: tuple[MedicineMatch, ...] = ()
    unrecognised: tuple[str, ...] = ()
    entries: tuple[str, ...] = field(default_factory=tuple)

    def in_classes(self, classes: Iterable[str]) -> list[MedicineMatch]:
        """The matches that belong to any of ``classes``."""
        wanted = set(classes)
        return [m for m in self.matches if wanted & set(m.classes)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "recognised": [
                {"written": m.written, "name": m.name, "classes": list(m.classes), "note": m.note}
                for m in self.matches
            ],
            "unrecognised": list(self.unrecognised),
        }


class MedicineVocabulary:
    """An index of the medicine vocabulary by folded words (built once per knowledge base)."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.classes: dict[str, dict[str, Any]] = dict(doc["classes"])
        self._by_words: dict[tuple[str, ...], Mapping[str, Any]] = {}
        self.problems: list[str] = []
        for med in doc["medicines"]:
            for raw in [med["name"], *med.get("other_names", [])]:
                words = fold_words(str(raw))
                if not words:
                    self.problems.append(f"medicine {med['name']!r}: empty name {raw!r}")
                    continue
                other = self._by_words.get(words)
                if other is not None and other is not med:
                    self.problems.append(
                        f"medicine name {raw!r} means both {other['name']!r} and {med['name']!r}"
                    )
                self._by_words[words] = med
            names = {fold_words(str(n)) for n in [med["name"], *med.get("other_names", [])]}
            self.problems += [
                f"medicine {med['name']!r}: note for {k!r}, which is not one of its names"
                for k in med.get("name_notes", {})
                if fold_words(str(k)) not in names
            ]
            self.problems += [
                f"medicine {med['name']!r}: unknown class {c!r}"
                for c in med.get("classes", [])
                if c not in self.classes
            ]
        self._longest = max((len(w) for w in self._by_words), default=0)

    def match(self, entries: Sequence[str]) -> MedicineReport:
        """Recognise medicines in each entry (whole words; longest name first).

        Parameters
        ----------
        entries : sequence of str
            What the person wrote, one medicine per entry (extra words such as a dose are fine;
            several medicines in one entry are all found).

        Returns
        -------
        MedicineReport
            Matches in the order written, and the entries in which nothing was recognised.
        """
        matches: list[MedicineMatch] = []
        unrecognised: list[str] = []
        for entry in entries:
            found = self._match_one(entry)
            if found:
                matches += [m for m in found if m not in matches]
            else:
                unrecognised.append(entry)
        return MedicineReport(tuple(matches), tuple(unrecognised), tuple(entries))

    def _match_one(self, entry: str) -> list[MedicineMatch]:
        words = fold_words(entry)
        out: list[MedicineMatch] = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                med = self._by_words.get(words[i : i + n])
                if med is not None:
                    said = " ".join(words[i : i + n])
                    notes = {
                        " ".join(fold_words(k)): v for k, v in med.get("name_notes", {}).items()
                    }
                    out.append(
                        MedicineMatch(
                            written=entry.strip(),
                            name=str(med["name"]),
                            classes=tuple(med.get("classes", ())),
                            note=str(notes.get(said, med.get("note", ""))),
                        )
                    )
                    i += n
                    break
            else:
                i += 1
        return out

    def class_label(self, name: str) -> str:
        """The plain label of a class (``"a statin"``)."""
        return str(self.classes[name]["label"])
