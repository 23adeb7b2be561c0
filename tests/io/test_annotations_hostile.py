"""Hostile, malformed and empty annotation files: clear errors naming the file, never a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from twitchscope.errors import InputFileError
from twitchscope.io.annotations import read_annotations

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<PSGAnnotation><ScoredEvents><ScoredEvent><EventConcept>&lol9;</EventConcept>
<Start>0</Start><Duration>1</Duration></ScoredEvent></ScoredEvents></PSGAnnotation>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CMPStudyConfig><ScoredEvents><ScoredEvent><Name>&xxe;</Name><Start>0</Start>
<Duration>1</Duration></ScoredEvent></ScoredEvents></CMPStudyConfig>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE PSGAnnotation SYSTEM "http://example.invalid/evil.dtd">
<PSGAnnotation><ScoredEvents/></PSGAnnotation>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY % pe SYSTEM "http://example.invalid/x.dtd"> %pe;]>
<PSGAnnotation><ScoredEvents/></PSGAnnotation>
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL_ENTITY, "DTD"),
        (EXTERNAL_DTD, "DTD"),
        (PARAMETER_ENTITY, "DTD"),
    ],
)
@pytest.mark.parametrize("fmt", [None, "nsrr-xml", "profusion-xml"])
def test_hostile_xml_is_refused_quickly(
    tmp_path: Path, text: str, problem: str, fmt: str | None
) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    # CPU time: an expanded entity would burn it; waiting for a busy machine does not.
    t0 = time.process_time()
    with pytest.raises(InputFileError, match=rf"hostile\.xml: .*{problem}"):
        read_annotations(path, format=fmt)
    assert time.process_time() - t0 < 2.0


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<PSGAnnotation><ScoredEvents><ScoredEvent><Start>1", "malformed or truncated XML"),
        ("<PSGAnnotation><ScoredEvents></PSGAnnotation>", "malformed or truncated XML"),
        ("<SomethingElse><ScoredEvents/></SomethingElse>", "root element is <SomethingElse>"),
        ("<?xml version='1.0' encoding='no-such-codec'?><PSGAnnotation/>", "XML"),
    ],
)
def test_malformed_xml(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match=rf"bad\.xml: .*{problem}"):
        read_annotations(path)


@pytest.mark.parametrize("name", ["empty.xml", "empty.csv", "empty.tsv", "empty.edf", "empty"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"  \n")
    with pytest.raises(InputFileError, match=rf"{name}: is empty"):
        read_annotations(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"nope\.xml: no such file"):
        read_annotations(tmp_path / "nope.xml")


def test_unknown_format_name(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("stage\nW\n")
    with pytest.raises(InputFileError, match=r"unknown annotation format 'excel'"):
        read_annotations(path, format="excel")
