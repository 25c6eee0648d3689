#!/usr/bin/env python3
"""Installs or builds every tool Baozi needs into the tools cache (`make tools`).

Versions come from versions.toml beside this file. Go-built tools are compiled from their
modules on the Go module proxy inside a small generated wrapper module, so `replace` lines in
the tools' own go.mod files (which `go install pkg@version` refuses) do not get in the way.

JavaScript packages (axe-core for the browser tests) are installed with the machine's npm into
<tools>/npm, exact versions, install scripts not run.

Idempotent: each built or installed artifact's sha256 is recorded in <tools>/manifest.json and
checked on every later run; a tool whose pinned version or checksum no longer matches is rebuilt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = "linux_amd64"


class StepFailed(Exception):
    """A step could not finish; the message says what was happening."""


def say(msg: str) -> None:
    print(f"[tools] {msg}", flush=True)


def cache_root() -> Path:
    return Path(os.environ.get("BAOZI_CACHE_DIR", Path.home() / ".cache" / "baozi"))


def tools_root() -> Path:
    return Path(os.environ.get("BAOZI_TOOLS_DIR", cache_root() / "tools"))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Manifest:
    """<tools>/manifest.json: what was built, from which pinned version, with which sha256."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict = json.loads(path.read_text()) if path.exists() else {}

    def is_current(self, name: str, version: str, artifact: Path) -> bool:
        entry = self.entries.get(name)
        if not entry or entry.get("version") != version or not artifact.exists():
            return False
        actual = sha256_of(artifact)
        if actual != entry.get("sha256"):
            say(f"{name}: sha256 of {artifact} is {actual}, manifest recorded "
                f"{entry.get('sha256')}; rebuilding")
            return False
        return True

    def record(self, name: str, version: str, artifact: Path) -> str:
        digest = sha256_of(artifact)
        self.entries[name] = {"version": version, "sha256": digest, "path": str(artifact),
                              "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries, indent=2, sort_keys=True) + "\n")
        tmp.replace(self.path)
        return digest


def run(cmd: list[str], *, what: str, cwd: Path | None = None, env: dict | None = None,
        capture: bool = False) -> str:
    """Runs a command; on failure raises StepFailed naming `what` and the command's tail."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except FileNotFoundError:
        raise StepFailed(f"{what}: no executable {cmd[0]!r}") from None
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.strip().splitlines()[-25:])
        raise StepFailed(f"{what}: `{' '.join(cmd)}` exited {proc.returncode}\n{tail}")
    return proc.stdout if capture else ""


class Heartbeat:
    """Prints a line every `every` seconds while a long step runs."""

    def __init__(self, label: str, every: float = 30.0):
        self.label, self.every = label, every
        self.start = time.monotonic()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        while not self.done.wait(self.every):
            say(f"  … still {self.label} ({self.elapsed()})")

    def elapsed(self) -> str:
        s = int(time.monotonic() - self.start)
        return f"{s // 60}m{s % 60:02d}s"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()


@dataclass(frozen=True)
class GoTool:
    name: str
    release: str
    module: str
    module_version: str
    package: str
    output: Path
    ldflags: str = ""

    @property
    def pin(self) -> str:
        return f"{self.module}@{self.module_version}"

    @property
    def recipe(self) -> str:
        """What the manifest records: a change to it means a rebuild."""
        return f"{self.pin} ldflags={self.ldflags}".strip()


def go_env() -> dict:
    env = dict(os.environ)
    go = cache_root() / "go"
    env.update({
        "GOMODCACHE": str(go / "mod"),
        "GOCACHE": str(go / "build"),
        "GOPATH": str(go / "path"),
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-mod=mod -buildvcs=false",
        "CGO_ENABLED": "0",
    })
    return env


def check_go(minimum: str) -> None:
    out = run(["go", "env", "GOVERSION"], what="checking the Go toolchain", capture=True).strip()
    have = tuple(int(x) for x in re.findall(r"\d+", out)[:2])
    need = tuple(int(x) for x in minimum.split(".")[:2])
    if have < need:
        raise StepFailed(f"checking the Go toolchain: found {out}, need go{minimum} or newer")
    say(f"go: {out}")


def download(tool: GoTool, env: dict) -> dict:
    return json.loads(run(["go", "mod", "download", "-json", tool.pin],
                          what=f"downloading {tool.pin}", env=env, capture=True))


def module_replaces(info: dict) -> list[str]:
    """The tool's own module-to-module replace lines (local-path replaces are dropped: they
    point at nested modules, which the wrapper takes from the proxy at their pinned versions)."""
    gomod = Path(info["GoMod"]).read_text()
    kept = []
    blocks = re.findall(r"^replace\s*\((.*?)^\)", gomod, flags=re.S | re.M)
    singles = re.findall(r"^replace\s+([^(\n].*)$", gomod, flags=re.M)
    for line in [l for b in blocks for l in b.splitlines()] + singles:
        line = line.split("//")[0].strip()
        if "=>" not in line:
            continue
        target = line.split("=>")[1].strip()
        if target.startswith(".") or target.startswith("/"):
            continue
        kept.append(line)
    return kept


def build_go_tool(tool: GoTool, manifest: Manifest) -> None:
    if manifest.is_current(tool.name, tool.recipe, tool.output):
        say(f"{tool.name} {tool.release}: up to date ({tool.output})")
        return
    env = go_env()
    wrapper = cache_root() / "build" / tool.name
    shutil.rmtree(wrapper, ignore_errors=True)
    wrapper.mkdir(parents=True)
    say(f"{tool.name} {tool.release}: fetching {tool.pin}")
    info = download(tool, env)
    replaces = module_replaces(info)
    # go.mod of the wrapper: a small file of our own, not data from outside.
    lines = ["module baozi.local/toolbuild/" + tool.name, "", "go 1.25", "",
             f"require {tool.module} {tool.module_version}", ""]
    lines += [f"replace {r}" for r in replaces]
    (wrapper / "go.mod").write_text("\n".join(lines) + "\n")
    # The tool's own go.sum vouches for its dependencies; without it Go asks the checksum
    # database, which does not know every module the proxy serves.
    shutil.copyfile(Path(info["Dir"]) / "go.sum", wrapper / "go.sum")
    tool.output.parent.mkdir(parents=True, exist_ok=True)
    partial = tool.output.with_name(tool.output.name + ".partial")
    say(f"{tool.name} {tool.release}: compiling {tool.package} "
        "(a first build takes minutes on 2 cores; later runs reuse the Go build cache)")
    with Heartbeat(f"compiling {tool.name}") as hb:
        run(["go", "build", "-trimpath", "-ldflags", f"-s -w {tool.ldflags}".strip(), "-o", str(partial),
             tool.package],
            what=f"compiling {tool.name} {tool.release}", cwd=wrapper, env=env)
    partial.replace(tool.output)
    digest = manifest.record(tool.name, tool.recipe, tool.output)
    say(f"{tool.name} {tool.release}: built in {hb.elapsed()}, sha256 {digest[:16]}…")


def provider_binary(tools: Path, address: str, release: str) -> Path:
    kind = address.rsplit("/", 1)[1]
    return (tools / "providers" / address / release / TARGET /
            f"terraform-provider-{kind}_v{release}")


def write_cli_config(tools: Path, providers: dict) -> Path:
    """The tofu CLI configuration (JSON form): providers come from the filesystem mirror only,
    so `tofu init` needs no network."""
    # Blocks are lists: tofu reads this file with HCL 1, whose JSON reader would otherwise
    # fold nested objects into one multi-key block.
    config = {
        "provider_installation": [{
            "filesystem_mirror": [{
                "path": str(tools / "providers"),
                "include": sorted(p["address"] for p in providers.values()),
            }],
        }],
        "disable_checkpoint": True,
    }
    path = tools / "tofu.tfrc.json"
    text = json.dumps(config, indent=2, sort_keys=True) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    say(f"tofu CLI config: {path} (set TF_CLI_CONFIG_FILE to it)")
    return path


def debian_packages(packages: list[str]) -> None:
    missing = []
    for pkg in packages:
        proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if "install ok installed" not in proc.stdout:
            missing.append(pkg)
    if not missing:
        say(f"debian packages: all {len(packages)} present")
        return
    if os.geteuid() != 0:
        raise StepFailed("installing Debian packages: not root; install them with "
                         f"`sudo apt-get install {' '.join(missing)}` and run again")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    say(f"debian packages: installing {' '.join(missing)}")
    with Heartbeat("installing Debian packages") as hb:
        run(["apt-get", "update", "-q"], what="apt-get update", env=env)
        run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
            what=f"installing Debian packages {' '.join(missing)}", env=env)
    say(f"debian packages: installed in {hb.elapsed()}")


@dataclass(frozen=True)
class NpmPackage:
    name: str
    version: str
    artifact: str  # a file inside the package whose sha256 the manifest records

    @property
    def pin(self) -> str:
        return f"{self.name}@{self.version}"


def npm_root(tools: Path) -> Path:
    return tools / "npm"


def install_npm_package(pkg: NpmPackage, tools: Path, manifest: Manifest) -> None:
    prefix = npm_root(tools)
    package_dir = prefix / "node_modules" / pkg.name
    artifact = package_dir / pkg.artifact
    name = f"npm-{pkg.name}"
    if manifest.is_current(name, pkg.pin, artifact):
        say(f"{pkg.name} {pkg.version}: up to date ({artifact})")
        return
    prefix.mkdir(parents=True, exist_ok=True)
    # npm leaves a package it thinks is installed alone, edited files and all: start afresh.
    shutil.rmtree(package_dir, ignore_errors=True)
    say(f"{pkg.name} {pkg.version}: installing {pkg.pin} with npm into {prefix}")
    with Heartbeat(f"installing {pkg.pin}") as hb:
        run(["npm", "install", "--prefix", str(prefix), "--cache", str(cache_root() / "npm-cache"),
             "--no-audit", "--no-fund", "--no-update-notifier", "--ignore-scripts", "--save-exact",
             "--loglevel=error",
             pkg.pin],
            what=f"installing {pkg.pin} with npm")
    installed = json.loads((package_dir / "package.json").read_text()).get("version")
    if installed != pkg.version:
        raise StepFailed(f"installing {pkg.pin} with npm: {package_dir} holds version {installed}")
    if not artifact.is_file():
        raise StepFailed(f"installing {pkg.pin} with npm: {artifact} is missing from the package")
    digest = manifest.record(name, pkg.pin, artifact)
    say(f"{pkg.name} {pkg.version}: installed in {hb.elapsed()}, {pkg.artifact} sha256 {digest[:16]}…")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[],
                        help="run only these steps (go, tofu, bao, providers, cli-config, debian, npm)")
    parser.add_argument("--print-env", action="store_true",
                        help="print the tools' paths as shell assignments and exit")
    args = parser.parse_args()

    pins = tomllib.loads((HERE / "versions.toml").read_text())
    tools = tools_root()
    if args.print_env:
        print(f"BAOZI_TOOLS_DIR={tools}")
        print(f"TF_CLI_CONFIG_FILE={tools / 'tofu.tfrc.json'}")
        return 0
    tools.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(tools / "manifest.json")
    wanted = set(args.only) or {"go", "tofu", "bao", "providers", "cli-config", "debian", "npm"}

    go_tools = [GoTool(name, t["release"], t["module"], t["module_version"], t["package"],
                       tools / t["binary"], t.get("ldflags", "")) for name, t in pins["tools"].items()]
    provider_tools = [GoTool(f"provider-{name}", p["release"], p["module"], p["module_version"],
                             p["package"], provider_binary(tools, p["address"], p["release"]),
                             p.get("ldflags", ""))
                      for name, p in pins["providers"].items()]
    npm_packages = [NpmPackage(name, p["version"], p["artifact"]) for name, p in pins["npm"].items()]

    steps = []
    if wanted & {"go", "tofu", "bao", "providers"}:
        steps.append(("go toolchain", lambda: check_go(pins["go"]["minimum"])))
    for tool in go_tools:
        if tool.name in wanted:
            steps.append((tool.name, lambda t=tool: build_go_tool(t, manifest)))
    if "providers" in wanted:
        for tool in provider_tools:
            steps.append((tool.name, lambda t=tool: build_go_tool(t, manifest)))
    if "cli-config" in wanted:
        steps.append(("tofu CLI config", lambda: write_cli_config(tools, pins["providers"])))
    if "debian" in wanted:
        steps.append(("debian packages", lambda: debian_packages(pins["debian"]["packages"])))
    if "npm" in wanted:
        for pkg in npm_packages:
            steps.append((f"npm {pkg.name}", lambda p=pkg: install_npm_package(p, tools, manifest)))

    started = time.monotonic()
    say(f"tools dir: {tools}")
    for label, step in steps:
        try:
            step()
        except StepFailed as e:
            print(f"\nmake tools: step '{label}' failed.\n{e}", file=sys.stderr, flush=True)
            return 1
    say(f"done in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
