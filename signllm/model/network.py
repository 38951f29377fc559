"""Encoder-decoder groups that regress pose frames plus a progress counter.

Progressive-Transformers lineage, pre-norm: gloss tokens -> Transformer encoder; the decoder
reads the previous frame (50x3 normalised joints + counter) and predicts the next
`future_frames` frames, each with its own counter. The decoder's self-attention keeps a
preallocated per-layer key/value cache, so one decoding step costs the same whatever the length
already produced (only the attention read over the cached keys grows, which is negligible next
to the projections at these lengths).

`DurationText2Pose` is the non-autoregressive alternative (`decoder: durations`): it predicts
each token's frame count and decodes all frames at once (docs/model.md).

`SignLLMNet` holds the groups in an `nn.ModuleDict`: one per ISO code in MLSF mode, one
"shared" group in Prompt2LangGloss mode.
"""
from __future__ import annotations

import logging
import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import STEP_DIM, ModelConfig

log = logging.getLogger(__name__)

SHARED = "shared"


def repeats(src: torch.Tensor) -> torch.Tensor:
    """(B, S) True where a token repeats the one before it (the second L of "H E L L O")."""
    return F.pad(src[:, 1:] == src[:, :-1], (1, 0))


def frame_tokens(durations: torch.Tensor, width: int) -> torch.Tensor:
    """(B, width) index of the token each frame belongs to, for (B, S) integer durations."""
    ends = durations.long().cumsum(1)
    t = torch.arange(width, device=durations.device).expand(len(durations), width).contiguous()
    return torch.searchsorted(ends, t, right=True).clamp_max(durations.shape[1] - 1)


def sinusoids_at(pos: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal encodings of (possibly fractional) positions: (...,) -> (..., dim)."""
    rate = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32, device=pos.device)
                     * (-math.log(10000.0) / dim))
    angle = pos[..., None].float() * rate
    return torch.stack([torch.sin(angle), torch.cos(angle)], -1).flatten(-2)


def sinusoids(length: int, dim: int) -> torch.Tensor:
    return sinusoids_at(torch.arange(length), dim)


class Attention(nn.Module):
    def __init__(self, d_model: int, heads: int):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(d_model, d_model)
        self.key_value = nn.Linear(d_model, 2 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        return x.view(b, t, self.heads, d // self.heads).transpose(1, 2)

    def keys_values(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        k, v = self.key_value(x).chunk(2, dim=-1)
        return self._split(k), self._split(v)

    def forward(self, x, k, v, mask=None) -> torch.Tensor:
        q = self._split(self.query(x))
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        b, h, t, dh = o.shape
        return self.out(o.transpose(1, 2).reshape(b, t, h * dh))


class KVCache:
    """Preallocated keys/values of one decoder layer for incremental decoding."""

    def __init__(self, batch: int, heads: int, length: int, head_dim: int, device):
        self.k = torch.zeros(batch, heads, length, head_dim, device=device)
        self.v = torch.zeros_like(self.k)

    def write(self, start: int, k, v):
        end = start + k.shape[2]
        self.k[:, :, start:end] = k
        self.v[:, :, start:end] = v
        return self.k[:, :, :end], self.v[:, :, :end]


class DecoderLayer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.d_model
        self.norm_self, self.norm_cross, self.norm_ff = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.self_attn = Attention(d, cfg.heads)
        self.cross_attn = Attention(d, cfg.heads)
        self.ff = nn.Sequential(nn.Linear(d, cfg.ff_dim), nn.GELU(), nn.Dropout(cfg.dropout),
                                nn.Linear(cfg.ff_dim, d))
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, memory_kv, memory_mask, self_mask=None, cache: KVCache | None = None,
                start: int = 0):
        h = self.norm_self(x)
        k, v = self.self_attn.keys_values(h)
        if cache is not None:
            k, v = cache.write(start, k, v)
        x = x + self.drop(self.self_attn(h, k, v, self_mask))
        x = x + self.drop(self.cross_attn(self.norm_cross(x), *memory_kv, memory_mask))
        return x + self.drop(self.ff(self.norm_ff(x)))


class Text2Pose(nn.Module):
    """One encoder-decoder group: gloss token ids -> frames (normalised joints + counter)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.embed = nn.Embedding(cfg.vocab_size, d, padding_idx=0)
        self.repeat_mark = nn.Parameter(torch.zeros(d))   # added where a token repeats the last
        layer = nn.TransformerEncoderLayer(d, cfg.heads, cfg.ff_dim, cfg.dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.encoder_layers, norm=nn.LayerNorm(d),
                                             enable_nested_tensor=False)
        self.frame_in = nn.Linear(STEP_DIM, d)
        self.decoder = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.decoder_layers))
        self.decoder_norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, cfg.future_frames * STEP_DIM)
        self.register_buffer("positions", sinusoids(max(cfg.max_frames, cfg.max_tokens) + 1, d),
                             persistent=False)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # checkpoints from before the repeat mark load with a zero one: they decode as before
        state_dict.setdefault(prefix + "repeat_mark", torch.zeros_like(self.repeat_mark))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def memory(self, src: torch.Tensor, src_pad: torch.Tensor) -> torch.Tensor:
        """(B, S, d) encoded source tokens.

        A repeated token (the second L of "H E L L O") is marked: the two are otherwise told
        apart only by position, and a doubled letter is signed differently (it glides), so an
        unmarked model tends to merge the pair into one long hold.
        """
        repeat = repeats(src).float()
        x = (self.embed(src) * math.sqrt(self.cfg.d_model) + self.positions[: src.shape[1]]
             + repeat[..., None] * self.repeat_mark)
        return self.encoder(x, src_key_padding_mask=src_pad)

    def encode(self, src: torch.Tensor, src_pad: torch.Tensor, memory: torch.Tensor | None = None):
        """(memory key/values per decoder layer, attention mask over the source)."""
        memory = self.memory(src, src_pad) if memory is None else memory
        if self.cfg.progress_attention:  # keys carry their token position for the progress query
            memory = memory + self.positions[: src.shape[1]]
        kv = [layer.cross_attn.keys_values(memory) for layer in self.decoder]
        return kv, (~src_pad)[:, None, None, :]

    def new_caches(self, batch: int, length: int, device) -> list[KVCache]:
        cfg = self.cfg
        return [KVCache(batch, cfg.heads, length, cfg.d_model // cfg.heads, device)
                for _ in self.decoder]

    def decode(self, steps_in, memory_kv, memory_mask, start: int = 0,
               caches: list[KVCache] | None = None) -> torch.Tensor:
        """(B, T, STEP) previous frames -> (B, T, future_frames, STEP) predictions."""
        t = steps_in.shape[1]
        x = self.frame_in(steps_in) + self.positions[start:start + t]
        if self.cfg.progress_attention:
            # progress-guided attention: the previous counter (fraction of the sequence done)
            # times the source length is where in the gloss this frame should be; encoded like
            # the keys' positions, so cross-attention can align monotonically
            src_len = memory_mask.sum(-1).view(-1, 1).float()
            x = x + sinusoids_at(steps_in[..., -1].clamp(0, 1) * src_len, self.cfg.d_model)
        causal = None
        if t > 1:
            causal = torch.ones(t, start + t, dtype=torch.bool, device=x.device).tril(start)
        for i, layer in enumerate(self.decoder):
            x = layer(x, memory_kv[i], memory_mask, causal, caches[i] if caches else None, start)
        out = self.head(self.decoder_norm(x))
        return out.view(*out.shape[:2], self.cfg.future_frames, STEP_DIM)

    def forward(self, src, src_pad, steps_in) -> torch.Tensor:
        memory_kv, memory_mask = self.encode(src, src_pad)
        return self.decode(steps_in, memory_kv, memory_mask)


class DurationText2Pose(Text2Pose):
    """One group that decodes all frames at once from per-token durations (FastSpeech-style).

    Why: the counter decoder feeds its own frames back, and in free-running generation its
    small errors blur letters it rendered sharply under teacher forcing (exposure bias). Here
    a duration head predicts each token's frame count; every frame's query is its token's
    encoding plus where inside the token it lies, and the decoder layers (self-attention over
    all frames, cross-attention to the source) see no earlier prediction, so training and
    generation do the same computation. Training needs the per-token frame counts
    ({split}.durations, written by the fingerspelling corpus builder). The counter channel is
    not learned: it is (t + 1) / T of the decoded length, so streams stop like the counter
    decoder's.

    `duration_scale` calibrates the predicted lengths: a head trained on log frames predicts
    a geometric rather than an arithmetic mean, so its letters come out a few per cent short,
    and short letters are what the recogniser drops. Training sets it from training clips
    (training/calibration.py); checkpoints from before it load with 1.
    """

    DURATION_SCALE = 25.0   # frames; the duration feature of a frame query is frames / this

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        d = cfg.d_model
        self.frame_in = nn.Linear(3, d)   # (fraction into the token, 1 - fraction, duration)
        # FastSpeech-style local context for the duration head: two convolutions over
        # neighbouring tokens, added residually; the second starts at zero (see log_durations)
        self.duration_context = nn.ModuleList(nn.Conv1d(d, d, 3, padding=1) for _ in range(2))
        nn.init.zeros_(self.duration_context[1].weight)
        nn.init.zeros_(self.duration_context[1].bias)
        self.duration = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, d), nn.GELU(), nn.Linear(d, 1))
        self.register_buffer("duration_scale", torch.ones(()))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        state_dict.setdefault(prefix + "duration_scale", torch.ones(()))  # before calibration
        # before the duration context: a zero second convolution, so they decode as before
        for name, value in self.duration_context.state_dict().items():
            fill = torch.zeros_like(value) if name.startswith("1.") else value.detach().clone()
            state_dict.setdefault(f"{prefix}duration_context.{name}", fill)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def log_durations(self, memory: torch.Tensor, src_pad: torch.Tensor) -> torch.Tensor:
        """(B, S) predicted log(1 + frames) of each token (what the duration loss trains).

        A letter's length depends on its neighbours: the pause after a word goes to the word's
        last letter, the final hold to the last token. Attention found those positions poorly
        (in DGS half the letter errors came from misplaced pauses), so the head also sees its
        neighbours directly, with padding read as zeros (the end of the sequence).
        """
        keep = (~src_pad)[:, None, :].to(memory.dtype)
        x = memory.transpose(1, 2) * keep
        context = F.gelu(self.duration_context[0](x)) * keep
        x = x + self.duration_context[1](context) * keep
        return self.duration(x.transpose(1, 2)).squeeze(-1)

    def predicted_frames(self, memory: torch.Tensor, src_pad: torch.Tensor) -> torch.Tensor:
        """(B, S) calibrated, unrounded frames of each token (padding: 0)."""
        frames = torch.expm1(self.log_durations(memory, src_pad)).clamp_min(0) * self.duration_scale
        return frames.masked_fill(src_pad, 0.0)

    def frames_from(self, memory, memory_kv, memory_mask, durations: torch.Tensor,
                    width: int) -> torch.Tensor:
        """(B, width, 1, STEP) frames for (B, S) integer durations (padding tokens: 0)."""
        durations = durations.long()
        ends = durations.cumsum(1)
        total = ends[:, -1:]
        t = torch.arange(width, device=memory.device).expand(len(durations), width).contiguous()
        token = frame_tokens(durations, width)
        start = (ends - durations).gather(1, token)
        length = durations.gather(1, token).clamp_min(1).float()
        fraction = (t - start).float() / length
        x = (memory.gather(1, token[..., None].expand(-1, -1, memory.shape[-1]))
             + self.frame_in(torch.stack([fraction, 1 - fraction, length / self.DURATION_SCALE], -1))
             + self.positions[:width])
        valid = t < total
        for i, layer in enumerate(self.decoder):
            x = layer(x, memory_kv[i], memory_mask, valid[:, None, None, :])
        joints = self.head(self.decoder_norm(x))[..., :-1]
        counter = ((t + 1).float() / total.clamp_min(1).float()).clamp_max(1.0)
        return torch.cat([joints, counter[..., None]], -1)[:, :, None]

    def forward(self, src, src_pad, durations, width: int):
        """Teacher-forced durations -> ((B, width, 1, STEP) frames, (B, S) log durations)."""
        memory = self.memory(src, src_pad)
        memory_kv, memory_mask = self.encode(src, src_pad, memory)
        return (self.frames_from(memory, memory_kv, memory_mask, durations, width),
                self.log_durations(memory, src_pad))

    @torch.no_grad()
    def generate(self, src, src_pad, max_frames: int) -> tuple[torch.Tensor, torch.Tensor]:
        """((B, T, STEP) frames, (B,) lengths) with the model's own durations."""
        return self.generate_with_durations(src, src_pad, max_frames)[:2]

    @torch.no_grad()
    def generate_with_durations(self, src, src_pad, max_frames: int
                                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """`generate`'s frames and lengths, and the (B, S) frames each token was given (what
        times a face on the model's own words)."""
        memory = self.memory(src, src_pad)
        predicted = self.predicted_frames(memory, src_pad)   # finite weights can still overflow
        predicted = torch.nan_to_num(predicted, nan=0.0, posinf=float(max_frames)).clamp(0, max_frames)
        durations = predicted.round()
        total = durations.sum(1, keepdim=True)
        if (total > max_frames).any():   # every sign kept, but faster: say so
            log.warning("the model gives %d frames, more than its max_frames %d: signing %.2fx "
                        "faster to fit; send long text as shorter requests",
                        int(total.max()), max_frames, float(total.max()) / max_frames)
        durations = torch.where(total > max_frames, torch.floor(durations * max_frames / total),
                                durations)
        empty = durations.sum(1) == 0   # at least one frame: the longest-predicted token's
        durations[empty, predicted[empty].argmax(-1)] = 1   # (ties: the first, never padding)
        lengths = durations.sum(1).long()
        memory_kv, memory_mask = self.encode(src, src_pad, memory)
        frames = self.frames_from(memory, memory_kv, memory_mask, durations, int(lengths.max()))
        return frames[:, :, 0], lengths, durations.long()


DECODERS = {"counter": Text2Pose, "durations": DurationText2Pose}


class SignLLMNet(nn.Module):
    """The groups of one checkpoint: ISO code -> Text2Pose (MLSF) or {"shared": ...} (prompt)."""

    def __init__(self, cfg: ModelConfig, groups: list[str]):
        super().__init__()
        self.cfg = cfg
        self.groups = nn.ModuleDict({g: DECODERS[cfg.decoder](cfg) for g in groups})

    def group(self, name: str) -> Text2Pose:
        return self.groups[name]
