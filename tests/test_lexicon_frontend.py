"""The `lexicon` gloss front-end: text -> the lexicon generator's plan gloss, the gloss the lexical
DSGS corpus writes, so a model trained on that corpus's `.gloss` reads user text (and the corpus
gloss itself) the same way at inference."""
import numpy as np
import pytest

from signllm.langgloss import FRONTENDS, gloss_tokens
from signllm.languages import get_language
from signllm.model import checkpoint as ckpt
from signllm.model.checkpoint import SignLLMModel
from signllm.model.config import FRAME_DIM, make_config
from signllm.model.generator import SignLLMGenerator
from signllm.model.network import SignLLMNet
from signllm.model.tokenizer import train_tokenizer

pytest.importorskip("signwriting")

from signllm.lexicon import LexiconGenerator  # noqa: E402
from training.corpus.lexical import compose  # noqa: E402

SGG = get_language("sgg")


def plan_gloss(text: str) -> list[str]:
    return LexiconGenerator(face=False).plan(text, SGG, 25.0, None).gloss.split()


def test_is_a_front_end_and_gives_the_lexicon_generators_plan_gloss():
    assert "lexicon" in FRONTENDS
    for text in ["Kind Apfel kochen .", "nächste Woche Mann Shampoo suchen möchten .",
                 "Anna Kreditkarte bringen wo ?"]:
        assert gloss_tokens(text, "sgg", "lexicon") == plan_gloss(text), text
    # a multi-word sign stays one gloss; a name without a sign is spelled; the mark is kept
    assert gloss_tokens("nächste Woche Anna kochen ?", "sgg", "lexicon")[-2:] == ["KOCHEN", "?"]
    assert "A-N-N-A" in gloss_tokens("Anna kochen .", "sgg", "lexicon")


def test_corpus_glosses_map_to_themselves_and_the_sign_words_to_the_corpus_gloss():
    rng = np.random.default_rng(3)
    seen_spelled = seen_wo = False
    for _ in range(60):
        c = compose(rng)
        corpus_gloss = plan_gloss(" ".join(c.signs))     # what training/corpus/lexical.py writes
        assert gloss_tokens(" ".join(c.signs), "sgg", "lexicon") == corpus_gloss
        assert gloss_tokens(" ".join(corpus_gloss), "sgg", "lexicon") == corpus_gloss, corpus_gloss
        seen_spelled |= any("-" in t for t in corpus_gloss)
        seen_wo |= "WO?" in corpus_gloss
    assert seen_spelled and seen_wo   # both kinds of token the word tokenizer would cut apart


def test_does_not_translate_german_word_order():
    # German text is signed word by word, as the lexicon generator does: the article is spelled
    assert gloss_tokens("Der Mann will kochen.", "sgg", "lexicon") == \
        ["D-E-R", "MANN", "WOLLEN", "KOCHEN", "."]


def _lexicon_model(glosses: list[str]) -> SignLLMModel:
    """A tiny untrained sgg model with the lexicon front-end, its tokenizer fitted on `glosses`."""
    net = SignLLMNet(make_config("tiny", vocab_size=80, max_frames=32), ["sgg"]).eval()
    tok = train_tokenizer(glosses, vocab_size=80)
    return SignLLMModel(net, "mlsf", net.cfg, tok, "lexicon", ["sgg"],
                        np.zeros(FRAME_DIM, np.float32), np.ones(FRAME_DIM, np.float32), 25.0)


def test_a_checkpoint_with_the_lexicon_front_end_signs_the_plan_gloss():
    model = _lexicon_model(["KIND APFEL KOCHEN .", "A-N-N-A MANN"])
    model = ckpt.from_dict(model.to_dict())   # the front-end survives the checkpoint round trip
    assert model.frontend == "lexicon"
    info, ids = SignLLMGenerator(model).prepare("Kind Apfel kochen .", SGG)
    assert info.gloss == "KIND APFEL KOCHEN ." and ids
    assert [w.word for w in info.words] == ["KIND", "APFEL", "KOCHEN", "."]


def test_a_sign_the_model_never_learned_is_fingerspelled_and_reported():
    model = _lexicon_model(["KIND APFEL KOCHEN .", "A-N-N-A MANN E-L-CH"])
    assert gloss_tokens("Kind Elch kochen .", "sgg", "lexicon") == ["KIND", "ELCH", "KOCHEN", "."]
    info, ids = SignLLMGenerator(model).prepare("Kind Elch kochen .", SGG)
    assert info.gloss == "KIND E-L-CH KOCHEN ."               # ELCH is in the lexicon, not the model
    assert [(w.word, w.how) for w in info.words] == [
        ("KIND", "model"), ("ELCH", "fingerspelled"), ("KOCHEN", "model"), (".", "model")]
    assert "never learned the sign ELCH" in info.words[1].detail


def test_gloss_benchmark_replans_corpus_glosses_and_scores_generated_conditions():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from gloss_error_rate import evaluate_set, sign_words, synthesiser_poses

    from training.recognizer.gloss import GlossRecognizer
    from training.recognizer.train_gloss import DEFAULT_OUT

    rng = np.random.default_rng(5)
    glosses = []
    while len(glosses) < 4 or not any("WO?" in g for g in glosses):
        glosses.append(" ".join(plan_gloss(" ".join(compose(rng).signs))))
    generator = LexiconGenerator(face=False)
    for gloss in glosses:   # the synthesiser condition renders exactly the corpus gloss
        assert generator.plan(sign_words(gloss), SGG, 25.0, None).gloss == gloss
    poses, replanned = synthesiser_poses(glosses[:4], "gloss")
    assert replanned == 0 and len(poses) == 4
    items = list(zip(poses, glosses[:4]))
    result = evaluate_set(GlossRecognizer.from_checkpoint(DEFAULT_OUT), items,
                          {"copy": [p.copy() for p in poses]})
    assert result["ger"]["copy"] == result["ger"]["ceiling"]
    assert result["length_ratio"] == {"copy": 1.0}


def test_gloss_benchmark_calls_a_system_separated_only_beyond_the_recogniser_spread():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from gloss_error_rate import separation

    def seed(model):
        return {"ger": {"ceiling": 0.05, "floor-mean": 1.0, "floor-other": 0.9, "m": model}}

    sep = separation({"a": seed(0.10), "b": seed(0.12)}, "m")
    assert sep["spread"] == pytest.approx(0.02) and sep["above_ceiling"] == pytest.approx(0.05)
    assert sep["below_floors"] == pytest.approx(0.78) and sep["separated"]
    assert not separation({"a": seed(0.10), "b": seed(0.40)}, "m")["separated"]   # spread 0.3
    assert not separation({"a": seed(0.06), "b": seed(0.07)}, "m")["separated"]   # 0.01 above
