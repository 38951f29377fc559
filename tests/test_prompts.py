"""parse_prompt on hand-written prompts and on the real Prompt2Sign templates (read here only)."""
import pytest

from signllm.errors import BadInputError
from signllm.prompts import parse_prompt

SENTENCE = "Guten Tag, I don't know"
# template file -> the sign language its spoken language falls back to
TEMPLATES = {"ASL": "ase", "GSL": "gsg", "DSGS": "gsg", "LSF-CH": "ssr", "LIS-CH": "slf",
             "LSA": "ase", "KSL": "kvk", "TSL": "tsm"}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_quoted_template_gives_back_the_sentence_and_its_language(shared_data, name):
    lines = [t for t in (shared_data / "prompt-templates" / f"prompts_{name}.txt")
             .read_text(encoding="utf-8").splitlines() if "{}" in t]
    quoted = [t for t in lines if "'{}'" in t or '"{}"' in t]
    assert len(quoted) >= len(lines) // 2
    for template in quoted:
        parsed = parse_prompt(template.replace("{}", SENTENCE))
        assert (parsed.sentence, parsed.language.code, parsed.was_prompt) == \
            (SENTENCE, TEMPLATES[name], True), template
        # an explicit --lang picks among languages sharing templates (GSL/DSGS, ASL/LSA)
        assert parse_prompt(template.replace("{}", SENTENCE), "sgg").language.code == \
            "sgg"


@pytest.mark.parametrize("text,sentence,code", [
    ("How do you sign 'hello' in ASL?", "hello", "ase"),
    ("How do you sign 'I don't know' in DGS?", "I don't know", "gsg"),
    ("Wie gebärdet man „Guten Morgen“ in Deutschschweizer Gebärdensprache?", "Guten Morgen", "sgg"),
    ("Comment dit-on « bonjour » en langue des signes française ?", "bonjour", "ssr"),
    ("Come si dice “ciao” nella lingua dei segni italiana?", "ciao", "slf"),
    ("¿Cómo se dice 'hola' en lengua de señas argentina?", "hola", "aed"),
    ("'안녕하세요'의 한국 수어를 가르쳐 주실 수 있나요?", "안녕하세요", "kvk"),
    ("'merhaba'yı Türk İşaret Dili ile nasıl gösterirsiniz?", "merhaba", "tsm"),
    ("Show me 「ありがとう」 in KSL", "ありがとう", "kvk"),
    ("How is \"ASL is fun\" signed in LIS?", "ASL is fun", "slf"),
])
def test_hand_written_prompts(text, sentence, code):
    parsed = parse_prompt(text, "tsm")  # an explicit mention beats the language argument
    assert (parsed.sentence, parsed.language.code, parsed.was_prompt) == (sentence, code, True)


def test_plain_text_uses_the_given_language_and_needs_one():
    parsed = parse_prompt("  hello world ", "LSA")
    assert (parsed.sentence, parsed.language.code, parsed.was_prompt) == ("hello world", "aed", False)
    with pytest.raises(BadInputError, match="no sign language"):
        parse_prompt("hello world")
    with pytest.raises(BadInputError, match="empty"):
        parse_prompt("   ", "ase")
