"""`signllm serve`: the gRPC streaming server for game engines (see docs/server.md)."""
from __future__ import annotations

import argparse

from signllm.generation import DEFAULT_GENERATOR, DEFAULT_MODE, GENERATORS, MODES

from . import defaults

HELP = "serve generation as a gRPC stream (signllm.v1) for Unity, Unreal and other clients"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=defaults.HOST,
                        help="address to bind (default: loopback only; 0.0.0.0 exposes it)")
    parser.add_argument("--port", type=int, default=defaults.PORT,
                        help=f"TCP port (0 = any free port; default {defaults.PORT})")
    auth = parser.add_mutually_exclusive_group()
    auth.add_argument("--token", help="require 'authorization: Bearer TOKEN' on every call "
                      "(visible in the process list: prefer --token-file)")
    auth.add_argument("--token-file", help="file whose first line is the token")
    parser.add_argument("--tls-cert", help="PEM certificate chain (with --tls-key) to serve TLS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--max-streams", type=int, default=defaults.MAX_STREAMS,
                        help="concurrent Generate streams; more get RESOURCE_EXHAUSTED "
                        f"(default {defaults.MAX_STREAMS})")
    parser.add_argument("--max-text-length", type=int, default=defaults.MAX_TEXT_LENGTH,
                        help="longest accepted text or prompt in characters "
                        f"(default {defaults.MAX_TEXT_LENGTH})")
    parser.add_argument("--generator", choices=tuple(GENERATORS), default=DEFAULT_GENERATOR,
                        help=f"default generator when a request names none (default {DEFAULT_GENERATOR})")
    parser.add_argument("--mode", choices=MODES, default=DEFAULT_MODE,
                        help=f"default SignLLM mode when a request names none (default {DEFAULT_MODE})")
    parser.add_argument("--model", help="SignLLM checkpoint (default: the bundled one for the mode)")
    parser.add_argument("--smplx-model", help="SMPL-X .npz (or folder) for the body; default "
                        "$SIGNLLM_SMPLX_MODEL, else the licence-free mannequin")
    parser.add_argument("--workers", type=int, default=defaults.WORKERS,
                        help="threads for generation and fitting (default: one per CPU core)")
    parser.add_argument("--grace", type=float, default=defaults.GRACE_S,
                        help=f"seconds running streams get to finish on SIGTERM (default {defaults.GRACE_S:g})")


def _read(path: str | None, what: str) -> bytes | None:
    from signllm.errors import BadInputError
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise BadInputError(f"cannot read {what}: {exc.strerror}", path=path) from exc


def _tls_pair(cert_path: str, key_path: str) -> tuple[bytes, bytes]:
    """Read and check the pair now: grpc would bind nothing, or fall back to a traceback."""
    import ssl

    from signllm.errors import BadInputError
    cert, key = _read(cert_path, "TLS certificate"), _read(key_path, "TLS key")
    for data, path, what in ((cert, cert_path, "certificate"), (key, key_path, "key")):
        if not data.strip():
            raise BadInputError(f"TLS {what} file is empty", path=path)
        if b"-----BEGIN " not in data:
            raise BadInputError(f"TLS {what} file is not PEM (no '-----BEGIN' line)", path=path)
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert_path, key_path)
    except ssl.SSLError as exc:
        raise BadInputError(f"TLS certificate and key {key_path} are unusable together "
                            f"(not a certificate, not a key, or a key that does not match): "
                            f"{exc.reason or exc}", path=cert_path) from exc
    return cert, key


def _check_numbers(args) -> None:
    import math

    from signllm.errors import BadInputError
    if not 0 <= args.port <= 65535:
        raise BadInputError(f"--port {args.port} is not a TCP port (0 = any free port, or 1..65535)")
    if not (math.isfinite(args.grace) and args.grace >= 0):
        raise BadInputError(f"--grace {args.grace} must be a finite number of seconds, at least 0")


def run(args) -> int:
    import asyncio
    import logging

    from signllm.errors import BadInputError

    from .app import ServeConfig, serve
    from .limits import Limits
    from .models import ServerOptions

    if bool(args.tls_cert) != bool(args.tls_key):
        raise BadInputError("--tls-cert and --tls-key go together")
    if args.max_streams < 1 or args.max_text_length < 1 or args.workers < 0:
        raise BadInputError("--max-streams and --max-text-length must be at least 1, --workers at least 0")
    _check_numbers(args)
    token = args.token
    if token is not None and not token.strip():
        raise BadInputError("--token is empty: give a token, or leave --token out to serve without auth")
    if args.token_file:
        lines = (_read(args.token_file, "token file") or b"").decode("utf-8", "replace").splitlines()
        token = lines[0].strip() if lines else ""
        if not token:
            raise BadInputError("token file is empty", path=args.token_file)
    logging.getLogger("signllm.server").setLevel(logging.INFO)
    options = ServerOptions(generator=args.generator, mode=args.mode, model=args.model,
                            smplx_model=args.smplx_model, workers=args.workers,
                            limits=Limits(max_text_length=args.max_text_length, max_streams=args.max_streams))
    cert, key = _tls_pair(args.tls_cert, args.tls_key) if args.tls_cert else (None, None)
    config = ServeConfig(host=args.host, port=args.port, token=token, grace_s=args.grace,
                         tls_cert=cert, tls_key=key, options=options)
    asyncio.run(serve(config))
    return 0
