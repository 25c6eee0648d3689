# Baozi: `make run` starts the local stack, `make test` runs every test against real tools.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Go's usual install folders, for shells whose profile did not put them on PATH (CI).
export PATH := $(PATH):/usr/local/go/bin:/usr/lib/go/bin
JAVA_HOME := $(shell bin/find-jdk)
export JAVA_HOME
MVN := ./mvnw -B -ntp
VERSION := 0.1.0-SNAPSHOT
ORCHESTRATOR_JAR := orchestrator/target/orchestrator-$(VERSION).jar
STACK_JAR := test-harness/target/test-harness-$(VERSION).jar
BENCH_JAR := test-harness/bench/target/bench-$(VERSION).jar
# The slow tiers (JUnit tags); make test-fast leaves them out. See docs/testing.md.
SLOW_TIERS := tofu,netbox,browser,slow,openbao,bench

.PHONY: help tools build run test test-fast bench profile-state clean

help:
	@echo "make run    start OpenBao and the orchestrator on http://127.0.0.1:8080 (data in ./var)"
	@echo "make test   build the tools if needed, then run every test"
	@echo "make test-fast  the fast tier alone (about a minute): every module's tests without the tags $(SLOW_TIERS)"
	@echo "make bench  measure the state backend (vs direct OpenBao KV v2, its layout's calls and the pg backend) and runs (vs bare tofu plan); rewrites docs/benchmarks.md"
	@echo "make profile-state  a short load on the state backend under JDK Flight Recorder, then where Baozi's time goes (about 90 s)"
	@echo "make tools  build/install tofu, bao, the providers and Debian packages into ~/.cache/baozi/tools"

tools:
	@python3 test-harness/tools/bootstrap.py

build:
	$(MVN) -q -DskipTests package

run: tools build
	$(JAVA_HOME)/bin/java -jar $(STACK_JAR) var $(ORCHESTRATOR_JAR)

test: tools
	$(MVN) verify

# The fast tier: every module's tests except the slow tiers' tags (pure logic, the real app on an
# in-memory H2, the in-process Proxmox simulator). Run one tier alone with e.g. $(MVN) verify -Dgroups=tofu.
test-fast:
	$(MVN) test -Dbaozi.exclude=$(SLOW_TIERS)

bench: tools
	$(MVN) -q -DskipTests package
	$(JAVA_HOME)/bin/java -cp $(BENCH_JAR) dev.baozi.harness.bench.StateBench docs/benchmarks.md test-harness/bench/target/bench
	$(JAVA_HOME)/bin/java -cp $(BENCH_JAR) dev.baozi.harness.bench.RunBench docs/benchmarks.md
	$(JAVA_HOME)/bin/java -cp $(BENCH_JAR) dev.baozi.harness.bench.SealBench test-harness/bench/target/seal-bench

# GET/POST 100 KiB and LOCK/GET/POST/UNLOCK cycles at 1 client with JFR on; prints the summary
# (top frames, allocations, parks) and leaves the recording in test-harness/bench/target/profile.
profile-state: tools
	$(MVN) -q -pl test-harness/bench -am -DskipTests package
	$(JAVA_HOME)/bin/java -cp $(BENCH_JAR) dev.baozi.harness.bench.ProfileState test-harness/bench/target/profile

clean:
	$(MVN) -q clean
