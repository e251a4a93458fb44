"""Each rule is declared once (``rules.py``) with all it needs: a description, how the
optimiser keeps it, and words for every reason that can name it."""

from __future__ import annotations

import ast
from pathlib import Path

from schemalaggning.engine.model.constraints import BY_CONSTRUCTION, HARD
from schemalaggning.export.words import RULE_WORDS, rule_words
from schemalaggning.i18n import use_language
from schemalaggning.rules import RULES, KeptBy, Rule

ENGINE = Path(__file__).parents[1] / "src" / "schemalaggning" / "engine"
#: The modules that write the reasons of unmet attendances.
REASON_WRITERS = ("unmet.py", "reasons.py", "blocking.py", "offerings.py")


def rules_named_in(path: Path) -> set[Rule]:
    """The rules a module names as ``Rule.X``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        Rule[node.attr]
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Rule"
        and node.attr in Rule.__members__
    }


def test_every_rule_is_declared_once_with_a_description() -> None:
    assert set(RULES) == set(Rule)
    assert all(text.description for text in RULES.values())


def test_the_model_keeps_exactly_the_model_rules() -> None:
    in_model = {rule for rules, _ in HARD for rule in rules}
    assert in_model == {rule for rule in Rule if rule.kept_by is KeptBy.MODEL}


def test_construction_keeps_exactly_the_construction_rules() -> None:
    assert set(BY_CONSTRUCTION) == {r for r in Rule if r.kept_by is KeptBy.CONSTRUCTION}


def test_every_rule_a_reason_can_name_has_words() -> None:
    named = set().union(*(rules_named_in(ENGINE / name) for name in REASON_WRITERS))
    assert named, "the reason writers name no rule: the test reads the wrong files"
    assert {rule for rule in named if not rule.words} == set()


def test_the_words_of_two_rules_differ() -> None:
    words = [rule.words for rule in Rule if rule.words]
    assert len(words) == len(set(words))


def test_the_views_say_a_rule_in_its_words() -> None:
    assert RULE_WORDS[Rule.SESSION_BLOCK] == "inga sammanhängande halvdagar"
    with use_language("en"):
        assert RULE_WORDS[Rule.SESSION_BLOCK] == RULES[Rule.SESSION_BLOCK].words
    said, rest = rule_words("session_block: no block of 2 open half-days")
    assert said == Rule.SESSION_BLOCK.words
    assert rest == "no block of 2 open half-days"
