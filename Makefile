# The two commands of the README.
.PHONY: demo test
demo:
	./install.sh && .venv/bin/signllm demo
test:
	./install.sh --dev && .venv/bin/python -m pytest
