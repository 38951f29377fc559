"""Hostile notation as a user meets it: through the commands (one line, exit 2, no file) and
through the synthesiser (whatever a reader accepts animates to finite keypoints or names what
it cannot)."""
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signllm.cli import main
from signllm.errors import BadInputError
from signllm.notation import parse_hamnosys
from signllm.notation.symbols import to_names
from signllm.sign_lexicon import builtin_dsgs
from signllm.synthesis import synthesise

pytest.importorskip("signwriting")

BOMB = ('<?xml version="1.0"?><!DOCTYPE sigml [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<sigml><hns_sign gloss="&lol2;"><hamnosys_manual><hamflathand/></hamnosys_manual>'
        '</hns_sign></sigml>')


def _one_line_error(capsys, *needles):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert all(n in err[0] for n in needles), err[0]


def test_a_lexicon_csv_with_a_bad_row_is_one_line_naming_the_row(tmp_path, capsys):
    lexicon = tmp_path / "mine.csv"
    lexicon.write_text("gloss,words,signed_language,hamnosys\n"
                       'HAUS,haus,sgg,"hamflathand,hamextfingeru"\n'
                       'KAPUTT,kaputt,sgg,"hamflathand,hamextfingerx"\n', encoding="utf-8")
    out = tmp_path / "out.pose"
    assert main(["generate", "Das kaputte Haus", "--lang", "sgg", "--lexicon", str(lexicon),
                 "-o", str(out)]) == 2
    _one_line_error(capsys, "mine.csv, line 3: hamnosys of KAPUTT", "hamextfingerx")
    assert not out.exists()


def test_an_entity_bomb_and_unbalanced_brackets_through_the_sign_command(tmp_path, capsys):
    bomb = tmp_path / "bomb.sigml"
    bomb.write_text(BOMB, encoding="utf-8")
    started = time.perf_counter()
    assert main(["sign", "--sigml", str(bomb), "-o", str(tmp_path / "b.pose")]) == 2
    _one_line_error(capsys, "bomb.sigml", "refused")
    assert main(["sign", "--hamnosys", "hamflathand,hamextfingeru,hamparend,hampalml",
                 "-o", str(tmp_path / "u.glb")]) == 2
    _one_line_error(capsys, "(hamparend): expected")
    assert time.perf_counter() - started < 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.sigml"]


STRINGS = sorted({s.notation for s in builtin_dsgs().signs})


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_whatever_the_reader_accepts_the_synthesiser_animates(data):
    names = to_names(data.draw(st.sampled_from(STRINGS)))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, max(0, len(names) - 1)))
        if data.draw(st.booleans()) and len(names) > 1:
            del names[at]
        else:
            names.insert(at, names[data.draw(st.integers(0, len(names) - 1))])
    try:
        sign = parse_hamnosys(",".join(names), gloss="FUZZ")
    except BadInputError:
        return
    seq = synthesise(sign, fps=25)
    assert seq.num_frames >= 2 and np.isfinite(seq.joints).all()
    assert seq.duration < 30
