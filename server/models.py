"""What every stream shares, loaded once: the generators and the body."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from signllm.generation import DEFAULT_GENERATOR, DEFAULT_MODE, Generator, load_generator

from . import defaults
from .limits import Limits


@dataclass
class ServerOptions:
    generator: str = DEFAULT_GENERATOR
    mode: str = DEFAULT_MODE
    model: str | None = None  # a user's SignLLM checkpoint, used for every signllm request
    smplx_model: str | None = None
    limits: Limits = field(default_factory=Limits)
    workers: int = defaults.WORKERS  # generation/fitting threads; 0 = one per CPU core


class Models:
    """Generators and the body, each loaded once and shared by every stream."""

    def __init__(self, options: ServerOptions):
        self.options = options
        self._generators: dict[tuple[str, str], Generator] = {}
        self._lock = threading.Lock()
        from retarget.body import load_body
        from retarget.fit import StreamingFitter  # noqa: F401  (import cost paid at start, not per call)
        self.body = load_body(options.smplx_model)
        self.generator(options.generator, options.mode)  # fail at start, not on the first call

    def generator(self, name: str, mode: str) -> Generator:
        """The generator for a request; a user's checkpoint is one generator whatever the mode."""
        custom = name == "signllm" and self.options.model is not None
        key = (name, "custom" if custom else mode if name == "signllm" else "")
        with self._lock:
            if key not in self._generators:
                extra = {"mode": mode, "model": self.options.model} if name == "signllm" else {}
                self._generators[key] = load_generator(name, **extra)
            return self._generators[key]

    def custom(self, name: str, mode: str) -> Generator | None:
        """The user's checkpoint's generator when it serves this request (its prompt frames and
        mode then read the prompt), else None."""
        return self.generator(name, mode) if name == "signllm" and self.options.model else None

    def body_for(self, betas):
        return self.body.with_betas(betas) if betas else self.body
