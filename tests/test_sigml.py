"""SiGML readers: HNS-SiGML equals its HamNoSys, hand-checked gestural signs, every real NGT file,
refused entities, errors that name the element, fuzzing."""
import json
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signllm.errors import BadInputError
from signllm.notation import (Circle, Constellation, Handshape, Local, Location, Manner, NoMotion,
                              NonManual, Orientation, Parallel, Posture, Repeat, Sequence,
                              SignDescription, SplitHands, Straight, Target, parse_hamnosys,
                              read_sigml)
from signllm.notation.symbols import to_names


def hns(names: list[str], gloss: str = "G", nonmanual: str = "") -> str:
    tags = "".join(f"<{n}/>" for n in names)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sigml><hns_sign gloss="{gloss}">'
            f"<hamnosys_nonmanual>{nonmanual}</hamnosys_nonmanual>"
            f"<hamnosys_manual>{tags}</hamnosys_manual></hns_sign></sigml>")


def gestural(manual: str, nonmanual: str = "", attrs: str = "") -> str:
    return (f'<sigml><hamgestural_sign gloss="G"><sign_nonmanual>{nonmanual}</sign_nonmanual>'
            f"<sign_manual{attrs}>{manual}</sign_manual></hamgestural_sign></sigml>")


def _strip(desc: SignDescription) -> SignDescription:
    return SignDescription(**{**desc.__dict__, "source": "", "nonmanual": NonManual()})


# --------------------------------------------------------------------------- HNS-SiGML

def test_hns_sigml_reads_as_the_same_hamnosys_string():
    names = ("hamsymmlr,hamflathand,hamextfingero,hampalmd,hamtouch,hamshoulders,hambetween,"
             "hamchest,hammover,hamsmallmod,hamarcu,hamsmallmod,hamrepeatcontinueseveral").split(",")
    [got] = read_sigml(hns(names, gloss="HAUS", nonmanual="<hnm_mouthpicture/>"), source="x")
    assert _strip(got) == _strip(parse_hamnosys(",".join(names), gloss="HAUS"))
    assert got.gloss == "HAUS" and got.source == "x"
    assert got.nonmanual.other == ("hnm_mouthpicture",)


def test_hns_sigml_nonmanual_tags_read_as_their_gestural_tiers():
    tags = ('<hnm_mouthpicture picture="haUs"/><hnm_eyebrows tag="RB"/><hnm_head tag="SH"/>'
            '<hnm_eyegaze tag="HD"/><hnm_eyelids tag="SB"/><hnm_mouthgesture tag="L06"/>')
    [got] = read_sigml(hns(["hamflathand", "hamextfingeru", "hampalmd", "hamchest"],
                           nonmanual=tags))
    nm = got.nonmanual
    assert (nm.mouthing, nm.brows, nm.head, nm.gaze) == ("haUs", ("RB",), ("SH",), ("HD",))
    assert nm.other == ("eye_lids:SB", "mouth_gesture:L06")


def test_every_dsgs_string_as_hns_sigml_equals_its_hamnosys():
    pytest.importorskip("signwriting")
    from signllm.sign_lexicon import package_dsgs_path
    strings = [t for e in json.loads(package_dsgs_path().read_text("utf-8"))
               for t in (e.get("hamnosys") or [])]
    for text in strings:
        [got] = read_sigml(hns(to_names(text)))
        assert _strip(got) == _strip(parse_hamnosys(text, gloss="G")), text


def test_hns_sigml_unknown_tag_names_the_element():
    with pytest.raises(BadInputError, match=r"sign 1: <hamflat>: not a HamNoSys symbol .*item 0"):
        read_sigml(hns(["hamflat"]))


# --------------------------------------------------------------------------- gestural SiGML

def test_gestural_one_handed_sign_with_mouthing():
    text = gestural('<handconfig handshape="finger2" thumbpos="across"/><handconfig extfidir="u"/>'
                    '<handconfig palmor="u"/><location_bodyarm contact="close" location="shoulders"'
                    ' second_location="shoulders" second_side="right_at"/>',
                    '<mouthing_tier><mouth_picture picture="en"/></mouthing_tier>')
    [got] = read_sigml(text)
    assert got.dominant == Posture(
        Handshape("finger2", thumb="across"), Orientation("u", "u"),
        Location("shoulders", contact="close", second=Location("shoulders", side="right_at")))
    assert got.movement is None and got.nonmanual.mouthing == "en" and not got.two_handed


def test_gestural_symmetric_sign_with_constellation_repeated_target_and_split_motion():
    text = gestural(
        '<handconfig handshape="fist" thumbpos="opposed" mainbend="bent" bend3="hooked"/>'
        '<handconfig extfidir="ol" palmor="l" second_extfidir="o"/>'
        '<handconstellation contact="close"><location_hand location="thumbside"/>'
        '<location_hand digits="2" location="tip"/><location_bodyarm location="chest"/>'
        '</handconstellation>'
        '<rpt_motion repetition="fromstart_several"><tgt_motion fast="true">'
        '<split_motion><directedmotion direction="d" curve="u" size="big"/><nomotion/>'
        '</split_motion><handconstellation contact="touch"/></tgt_motion></rpt_motion>',
        '<head_tier><head_movement movement="NO"/></head_tier>'
        '<facialexpr_tier><eye_brows movement="RB"/><eye_lids movement="SB"/></facialexpr_tier>',
        ' both_hands="true" lr_symm="true" outofphase="true"')
    [got] = read_sigml(text)
    assert got.symmetry == "lr" and got.symmetry_mods == ("outofphase",)
    assert got.dominant.handshape == Handshape("fist", "open", "bent",
                                               finger_bending=((3, "hooked"),))
    assert got.dominant.orientation == Orientation("ol", "l", finger_between="o")
    assert got.dominant.location == Location("chest")
    assert got.constellation == Constellation("thumbside", "fingertip", "close",
                                              nondominant_fingers=(2,))
    moved = SplitHands(Straight("d", "u", Manner(size="large")), NoMotion())
    assert got.movement == Repeat(Parallel((moved, Target(
        Posture(), manner=Manner(speed="fast"), constellation=Constellation(contact="touch")))),
        "fromstart", several=True, times=2)
    assert got.nonmanual.head == ("NO",) and got.nonmanual.brows == ("RB",)
    assert got.nonmanual.other == ("eye_lids:SB",)


def test_gestural_change_posture_circle_wrist_and_unsupported_attributes():
    text = gestural(
        '<handconfig handshape="cee12" ceeopening="slack"/><handconfig extfidir="u" palmor="l"/>'
        '<location_bodyarm location="chin" side="right_at" contact="touch"/>'
        '<par_motion><circularmotion axis="l" start="u" end="d" size="small" slow="true"/>'
        '<wristmotion motion="nodding" size="big"/>'
        '<tgt_motion><changeposture/><handconfig handshape="flat"/></tgt_motion></par_motion>')
    [got] = read_sigml(text)
    assert got.movement == Parallel((
        Circle("l", "u", "d", manner=Manner(size="small", speed="slow")),
        Local("nodding", manner=Manner(size="large")),
        Target(Posture(Handshape("flat")), replace=True)))
    assert got.dominant.handshape.opening == "slack" and not got.unsupported


def test_gestural_speed_factors_finger_contacts_and_a_hand_part_inside_a_hand_location():
    text = gestural(
        '<handconfig handshape="finger23" thumbpos="across" contactkind="nail" contactpair="23"'
        ' exempteddigits="3"/><handconfig extfidir="u" palmor="l"/>'
        '<location_hand contact="close" location="palm"><location_hand digits="2" location="tip"/>'
        '</location_hand><directedmotion direction="d" speed="0.5"/>',
        '<mouthing_tier><mouth_picture picture="vra" speed="1.2"/></mouthing_tier>')
    [got] = read_sigml(text)
    hand = got.dominant.handshape
    assert hand.finger_contact == ("fingernail", (2, 3)) and hand.exempt == (3,)
    assert got.dominant.location == Location(site="palm", contact="close",
                                             hand_part="fingertip", hand_fingers=(2,))
    assert got.movement == Straight("d", manner=Manner(tempo=0.5))
    assert got.nonmanual.mouthing == "vra" and "mouth_picture@speed=1.2" in got.nonmanual.other
    assert not got.unsupported
    [bad] = read_sigml(text.replace('speed="0.5"', 'speed="fast"'))
    assert "directedmotion@speed=fast" in bad.unsupported


def test_gestural_compound_of_nested_sign_manuals():
    text = gestural('<sign_manual><handconfig handshape="finger2"/><handconfig extfidir="u"'
                    ' palmor="l"/><location_bodyarm location="chin"/><directedmotion direction="o"/>'
                    '</sign_manual><sign_manual both_hands="true" lr_symm="true">'
                    '<handconfig handshape="flat"/><handconfig extfidir="o" palmor="d"/>'
                    '<location_bodyarm location="chest"/><nomotion/></sign_manual>')
    [got] = read_sigml(text)
    assert got.dominant.location == Location("chin") and got.symmetry is None
    # the second part uses both hands (lr symmetry): chained as its own part, not merged
    assert got.movement == Straight("o") and got.unsupported == ()
    assert got.then.symmetry == "lr" and got.then.dominant.location == Location("chest")
    from signllm.synthesis import synthesise
    seq = synthesise(got, fps=25)
    assert seq.meta["unsupported"] == []
    left_wrist = seq.joints[:, 7]
    assert left_wrist[-1, 1] - left_wrist[0, 1] > 0.15   # the other hand comes up to sign


def test_gestural_repetition_with_a_base_shift():
    [got] = read_sigml(gestural('<handconfig handshape="flat"/><rpt_motion repetition="fromstart"'
                                ' repetition_baseshift="r"><directedmotion direction="d"/>'
                                '</rpt_motion>'))
    assert got.movement == Repeat(Straight("d"), shift=Straight("r"))


def test_every_real_ngt_file_is_read(shared_data):
    files = sorted((shared_data / "sigml-ngt").glob("*.sigml"))
    assert len(files) == 2203
    started = time.perf_counter()
    signs = [s for f in files for s in read_sigml(f)]
    assert len(signs) == 2203 and all(s.gloss for s in signs)
    assert sum(s.movement is not None for s in signs) > 2000
    assert sum(s.nonmanual.mouthing is not None for s in signs) > 2000
    assert time.perf_counter() - started < 10


def test_a_notated_sign_from_a_sigml_folder_is_described(tmp_path):
    from signllm.sign_lexicon import NotatedSign, describe, read_sigml_folder
    (tmp_path / "HAUS.sigml").write_text(hns(["hamflathand", "hamextfingeru", "hampalml",
                                              "hamchest"], gloss="HAUS"), "utf-8")
    [sign] = read_sigml_folder(tmp_path, "sgg").signs
    got = describe(sign)
    assert got.gloss == "HAUS" and got.dominant.location == Location("chest")
    assert got.source == "HAUS.sigml"
    with pytest.raises(BadInputError, match="notation kind 'pdf'"):
        describe(NotatedSign("X", (), "sgg", "x", "pdf", "here"))


# --------------------------------------------------------------------------- refusals and errors

BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<sigml><hns_sign gloss="&lol3;"><hamnosys_manual><hamflathand/></hamnosys_manual>'
        '</hns_sign></sigml>')
EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE sigml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<sigml><hns_sign gloss="&x;"><hamnosys_manual><hamflathand/></hamnosys_manual>'
            '</hns_sign></sigml>')


@pytest.mark.parametrize("text", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_entities_are_refused(text):
    with pytest.raises(BadInputError, match="SiGML refused"):
        read_sigml(text, source="evil.sigml")


@pytest.mark.parametrize("text, message", [
    ("<sigml><hns_sign>", "line 1"),
    ("<html/>", "<html>: expected a <sigml> document"),
    ("<sigml/>", "holds no sign"),
    ("<sigml><hamgestural_sign/></sigml>", "<hamgestural_sign>: lacks <sign_manual>"),
    (gestural('<split_handconfig><handconfig/><handconfig/><handconfig/></split_handconfig>'),
     "<split_handconfig>: expected 2 children"),
    (gestural('<directedmotion size="small"/>'), "<directedmotion>: lacks the direction"),
    (gestural('<rpt_motion repetition="fromstart"/>'), "<rpt_motion>: holds no motion"),
    (gestural('<location_hand location="tip" digits="27"/>'), "digits '27'"),
])
def test_bad_documents_name_the_element(text, message):
    with pytest.raises(BadInputError) as caught:
        read_sigml(text, source="my.sigml")
    assert message in str(caught.value) and "my.sigml" in str(caught.value)


def test_size_and_missing_files_are_bounded(tmp_path):
    with pytest.raises(BadInputError, match="larger than"):
        read_sigml("<sigml>" + " " * (17 * 2**20) + "</sigml>")
    with pytest.raises(BadInputError, match="cannot read"):
        read_sigml(tmp_path / "absent.sigml")
    (tmp_path / "latin1.sigml").write_bytes(b"<sigml gloss='\xe9'/>")
    with pytest.raises(BadInputError, match="not UTF-8"):
        read_sigml(tmp_path / "latin1.sigml")


# --------------------------------------------------------------------------- fuzz

ELEMENTS = ["handconfig", "split_handconfig", "location_bodyarm", "location_hand",
            "split_location", "handconstellation", "directedmotion", "circularmotion",
            "wristmotion", "fingerplay", "nomotion", "tgt_motion", "changeposture", "rpt_motion",
            "par_motion", "seq_motion", "split_motion", "sign_manual", "mouth_picture", "x"]
ATTRS = {"handshape": ["flat", "fist"], "extfidir": ["u", "o"], "palmor": ["l"],
         "location": ["chest", "tip", ""], "digits": ["2", "23", "9", "x"],
         "direction": ["o", ""], "axis": ["l"], "motion": ["nodding"],
         "repetition": ["fromstart", "bogus"], "contact": ["touch"], "size": ["big"],
         "lr_symm": ["true"], "second_handshape": ["flat"], "fused": ["true"]}


def _element(depth: int):
    leaf = st.builds(lambda tag, attrs: f"<{tag}{attrs}/>", st.sampled_from(ELEMENTS),
                     _attributes())
    if depth == 0:
        return leaf
    inner = st.lists(_element(depth - 1), max_size=3).map("".join)
    node = st.builds(lambda tag, attrs, body: f"<{tag}{attrs}>{body}</{tag}>",
                     st.sampled_from(ELEMENTS), _attributes(), inner)
    return st.one_of(leaf, node)


def _attributes():
    pair = st.sampled_from(sorted(ATTRS)).flatmap(
        lambda k: st.sampled_from(ATTRS[k]).map(lambda v: f' {k}="{v}"'))
    return st.lists(pair, max_size=3, unique=True).map("".join)


def _bounded(text):
    started = time.perf_counter()
    try:
        assert all(isinstance(s, SignDescription) for s in read_sigml(text))
    except BadInputError:
        pass
    assert time.perf_counter() - started < 1.0


@settings(max_examples=300, deadline=None)
@given(st.lists(_element(3), max_size=4).map("".join))
def test_random_gestural_documents_only_ever_raise_bad_input(body):
    _bounded(gestural(body))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_real_files_only_ever_raise_bad_input(shared_data, data):
    files = sorted((shared_data / "sigml-ngt").glob("*.sigml"))
    text = data.draw(st.sampled_from(files)).read_text("utf-8")
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(chars))
        op = rng.choice(["delete", "insert", "replace"])
        if op == "delete":
            del chars[at]
        else:
            ch = rng.choice('<>/="&; ax\ue001')
            chars[at:at + (op == "replace")] = [ch]
    _bounded("".join(chars))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_text_only_ever_raises_bad_input(text):
    _bounded("<" + text)
