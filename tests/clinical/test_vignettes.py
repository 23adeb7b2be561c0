"""Every vignette reaches its tier with exactly the expected findings, reasons and sources."""

from __future__ import annotations

import pytest
from vignettes import VIGNETTES, Vignette, assessed


def test_there_are_enough_vignettes() -> None:
    assert len(VIGNETTES) >= 200
    assert len({v.name for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("v", VIGNETTES, ids=[v.name for v in VIGNETTES])
def test_vignette(v: Vignette) -> None:
    a = assessed(v)
    assert a.finding_ids == v.ids, [f"{f.id}: {f.reasons}" for f in a.findings]
    assert a.triage == v.tier
    for key, want in v.rls.items():
        assert a.rls[key] == want, key
    assert a.unanswered_emergency_questions == list(v.unanswered)
    for f in a.findings:
        assert f.reasons, f"{f.id} has no reasons"
        assert f.sources, f"{f.id} has no sources"
    if a.triage == "emergency":
        assert a.self_care == []
        assert "emergency" in a.next_step.lower()


def test_emergency_vignettes_cover_every_emergency_rule() -> None:
    from twitchscope.clinical import load_knowledge

    kb = load_knowledge()
    emergency_rules = {r["id"] for r in kb.rules if r["tier"] == "emergency"}
    fired: set[str] = set()
    for v in VIGNETTES:
        if v.tier == "emergency":
            fired |= {r for f in assessed(v).findings for r in f.rules}
    assert emergency_rules <= fired


def test_every_rule_fires_in_some_vignette() -> None:
    """Each rule of the knowledge base is shown, tier and finding set, by at least one vignette."""
    from twitchscope.clinical import load_knowledge

    fired: set[str] = set()
    for v in VIGNETTES:
        fired |= {r for f in assessed(v).findings for r in f.rules}
    missing = sorted({r["id"] for r in load_knowledge().rules} - fired)
    assert missing == []
