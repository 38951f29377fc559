"""signllm: offline multilingual sign-language pose generation for avatars."""
__version__ = "0.1.0"
