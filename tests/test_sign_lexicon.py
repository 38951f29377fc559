"""Notated lexicons: the built-in DSGS signs from the `signwriting` package, user CSVs and SiGML
folders, and text -> signs planning."""
import pytest

from signllm.errors import BadInputError
from signllm.sign_lexicon import (NotatedLexicon, builtin_dsgs, phrase_key, plan_words,
                                  read_csv_lexicon, read_sigml_folder)

pytest.importorskip("signwriting")


def test_builtin_dsgs_has_the_package_signs():
    lexicon = builtin_dsgs()
    assert lexicon.count("sgg") == 1679          # distinct glosses with HamNoSys
    assert len({s.source for s in lexicon.signs}) == 1364       # entries
    assert all(s.notation and s.kind == "hamnosys" for s in lexicon.signs)


def test_sentence_plan_uses_lemmas_phrases_and_falls_back_to_spelling():
    plan = plan_words("Die Kinder gehen nach Hause. Guten Morgen!", "sgg", "de", builtin_dsgs())
    got = [(p.words, p.sign.gloss if p.sign else None, p.punctuation) for p in plan]
    assert (("Hause",), "HAUS", "") in got                    # lemma Haus
    assert (("Guten", "Morgen"), "GUTEN_MORGEN", "") in got   # a two-word sign, plain variant
    assert (("Die",), None, "") in got                        # no sign: fingerspelled
    assert ((), None, ".") in got


def test_variant_choice_is_deterministic_and_prefers_the_plain_gloss():
    first = builtin_dsgs().lookup("guten morgen", "sgg")
    assert first.gloss == "GUTEN_MORGEN"
    assert phrase_key("Straße") == phrase_key("STRASSE") == "strasse"


def test_csv_lexicon(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("gloss,words,signed_language,hamnosys\n"
                    "HUIS,huis|woning,dse,hamflathand,hamextfingeru\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="lex.csv, line 2: expected 4 columns"):
        read_csv_lexicon(path)
    path.write_text("gloss,words,signed_language,hamnosys\n"
                    'HUIS,huis|woning,dse,"hamflathand,hamextfingeru"\n', encoding="utf-8")
    lexicon = read_csv_lexicon(path)
    assert lexicon.lookup("Woning", "dse").gloss == "HUIS"
    path.write_text("gloss,words,signed_language,hamnosys\nHUIS,huis,dse,\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="line 2: gloss, signed_language and hamnosys"):
        read_csv_lexicon(path)
    path.write_text("gloss,words\nHUIS,huis\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="line 1: lacks column"):
        read_csv_lexicon(path)
    path.write_bytes(b"gloss,words,signed_language,hamnosys\n\xff\xfe\n")
    with pytest.raises(BadInputError, match="not UTF-8"):
        read_csv_lexicon(path)


def test_sigml_folder(shared_data):
    lexicon = read_sigml_folder(shared_data / "sigml-ngt", "dse")
    assert lexicon.entries("dse") == 2203        # files
    assert lexicon.count("dse") == 2025          # distinct SiGML glosses (numbered files say TIEN_10 …)
    assert lexicon.lookup("tien", "dse").gloss == "TIEN_10"
    assert lexicon.lookup("zwemmen", "dse").gloss == "ZWEMMEN"
    assert [s.gloss for s in lexicon.search("zwemmen")][0] == "ZWEMMEN"
    assert len(lexicon.search("zwem")) > 1


def test_empty_lexicon_is_an_error(tmp_path):
    with pytest.raises(BadInputError):
        read_sigml_folder(tmp_path, "dse")
    with pytest.raises(Exception, match="holds no signs"):
        NotatedLexicon([], "x")


def test_search_command_finds_signs_and_says_when_none(capsys):
    from signllm.cli import main

    assert main(["search", "Kinder"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("KINDER  [sgg]")   # the exact gloss ranks first
    assert "signwriting DSGS entry" in out
    assert main(["search", "xyzzy"]) == 1
    assert "no sign for 'xyzzy'" in capsys.readouterr().out


def test_search_a_user_csv_lexicon(tmp_path, capsys):
    from signllm.cli import main

    path = tmp_path / "ngt.csv"
    path.write_text("gloss,words,signed_language,hamnosys\n"
                    'HUIS,huis|woning,dse,"hamflathand,hamextfingeru"\n', encoding="utf-8")
    assert main(["search", "woning", "--lexicon", str(path)]) == 0
    assert "HUIS  [dse]" in capsys.readouterr().out
    assert main(["search", "x", "--lexicon", str(tmp_path)]) == 2
    assert "not a notated lexicon" in capsys.readouterr().err


def test_languages_lists_lexical_signs(capsys):
    from signllm.cli import main

    assert main(["languages"]) == 0
    sgg = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("sgg"))
    assert "1,364 + fingerspelling" in sgg
