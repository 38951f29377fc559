"""The server's defaults, defined once: `signllm serve`'s options and the config dataclasses
read them here (a module without imports, so building the CLI's parser stays cheap)."""

HOST = "127.0.0.1"        # loopback only; 0.0.0.0 exposes the server
PORT = 50051
GRACE_S = 10.0            # seconds running streams get to finish on SIGTERM
MAX_STREAMS = 64
MAX_TEXT_LENGTH = 1000    # characters of a text or prompt
WORKERS = 0               # generation/fitting threads; 0 = one per CPU core
