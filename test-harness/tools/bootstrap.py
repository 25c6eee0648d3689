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
    patch: str = ""  # the name of a source patch in PATCHES, applied before building

    @property
    def pin(self) -> str:
        return f"{self.module}@{self.module_version}"

    @property
    def recipe(self) -> str:
        """What the manifest records: a change to it means a rebuild."""
        patched = f" patch={self.patch}@{PATCHES[self.patch].revision}" if self.patch else ""
        return f"{self.pin} ldflags={self.ldflags}{patched}".strip()


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


def replace_in(path: Path, old: str, new: str, *, count: int | None = None) -> int:
    """Replaces `old` by `new` in a file; fails when it is not there (the source is not the one
    the patch was written for), or not `count` times when a count is given."""
    text = path.read_text()
    found = text.count(old)
    if found == 0 or (count is not None and found != count):
        raise StepFailed(f"patching {path}: expected {count or 'some'} occurrence(s) of {old[:60]!r}, found {found}")
    path.write_text(text.replace(old, new))
    return found


def patch_netbox_4_compat(sources: dict[str, Path]) -> None:
    """e-breuninger/netbox v1.6.7 (the newest the module proxy serves) and the go-netbox client it
    pins were generated for NetBox 3.1; NetBox 4 answers differently, so every read fails:
    - `created` is a date-time now (was a date): the client's models decode it as strfmt.Date and
      fail ("parsing time ... extra text"). Every model's Created becomes a strfmt.DateTime.
    - an IP address's `nat_outside` is a list now (was one nested address).
    - the provider's netbox_available_ip_address always sends `vrf: {id: 0}` (NetBox 4 refuses
      it) and dereferences the answer without checking the error (a panic): it sends a VRF only
      when one is set and reports the error.
    Nothing else is changed."""
    models = sources["github.com/fbreckle/go-netbox"] / "netbox" / "models"
    changed = 0
    for go in sorted(models.glob("*.go")):
        text = go.read_text()
        if "Created strfmt.Date `" in text:
            go.write_text(text.replace("Created strfmt.Date `", "Created strfmt.DateTime `")
                          .replace("strfmt.Date(m.Created)", "strfmt.DateTime(m.Created)"))
            changed += 1
    if changed < 50:
        raise StepFailed(f"patching go-netbox: only {changed} models with a `created` date found; not the expected source")
    ip = models / "ip_address.go"
    replace_in(ip, 'NatOutside *NestedIPAddress `json:"nat_outside,omitempty"`',
               'NatOutside []*NestedIPAddress `json:"nat_outside,omitempty"`', count=1)
    for fn, call in (("validateNatOutside(formats strfmt.Registry)", "Validate(formats)"),
                     ("contextValidateNatOutside(ctx context.Context, formats strfmt.Registry)",
                      "ContextValidate(ctx, formats)")):
        text = ip.read_text()
        start = text.index(f"func (m *IPAddress) {fn} error {{")
        end = text.index("\n}\n", start) + 3
        body = (f"func (m *IPAddress) {fn} error {{\n"
                "\tfor i := range m.NatOutside {\n"
                "\t\tif m.NatOutside[i] == nil {\n\t\t\tcontinue\n\t\t}\n"
                f"\t\tif err := m.NatOutside[i].{call}; err != nil {{\n"
                "\t\t\tif ve, ok := err.(*errors.Validation); ok {\n"
                "\t\t\t\treturn ve.ValidateName(\"nat_outside\" + \".\" + strconv.Itoa(i))\n"
                "\t\t\t}\n\t\t\treturn err\n\t\t}\n\t}\n\treturn nil\n}\n")
        ip.write_text(text[:start] + body + text[end:])
    available = sources["github.com/e-breuninger/terraform-provider-netbox"] / "netbox" / "resource_netbox_available_ip_address.go"
    replace_in(available, """	nestedvrf := models.NestedVRF{
		ID: vrfId,
	}
	data := models.AvailableIP{
		Vrf: &nestedvrf,
	}""", """	data := models.AvailableIP{}
	if vrfId != 0 {
		data.Vrf = &models.NestedVRF{ID: vrfId}
	}""", count=1)
    for kind in ("Prefixes", "IPRanges"):
        replace_in(available, f"""		res, _ := api.Ipam.Ipam{kind}AvailableIpsCreate(params, nil)
""", f"""		res, err := api.Ipam.Ipam{kind}AvailableIpsCreate(params, nil)
		if err != nil {{
			return err
		}}
		if len(res.Payload) == 0 {{
			return fmt.Errorf("netbox allocated no address")
		}}
""", count=1)
    if '"fmt"' not in available.read_text():
        replace_in(available, 'import (\n', 'import (\n\t"fmt"\n', count=1)


@dataclass(frozen=True)
class SourcePatch:
    revision: int  # raised whenever the patch function changes, so the manifest sees a new recipe
    modules: tuple[str, ...]  # modules whose sources the patch edits (the tool's own module among them)
    apply: object


PATCHES = {
    "netbox-4-compat": SourcePatch(1, ("github.com/e-breuninger/terraform-provider-netbox", "github.com/fbreckle/go-netbox"),
                                   patch_netbox_4_compat),
}


def module_version_in(gomod: Path, module: str) -> str:
    match = re.search(rf"^\s*(?:require\s+)?{re.escape(module)}\s+(v\S+)", gomod.read_text(), flags=re.M)
    if not match:
        raise StepFailed(f"patching: {gomod} does not require {module}")
    return match.group(1)


def patched_sources(tool: GoTool, info: dict, wrapper: Path, env: dict) -> list[str]:
    """Copies the modules the tool's patch edits into the wrapper, applies it, and returns the
    replace lines that build from those copies."""
    patch = PATCHES[tool.patch]
    sources = {}
    for module in patch.modules:
        version = tool.module_version if module == tool.module else module_version_in(Path(info["GoMod"]), module)
        dep = json.loads(run(["go", "mod", "download", "-json", f"{module}@{version}"],
                             what=f"downloading {module}@{version} to patch it", env=env, capture=True))
        target = wrapper / "patched" / module.rsplit("/", 1)[1]
        shutil.copytree(dep["Dir"], target)
        for p in [target, *target.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)
        sources[module] = target
    patch.apply(sources)
    say(f"{tool.name} {tool.release}: applied source patch {tool.patch} (revision {patch.revision})")
    return [f"{module} => ./patched/{path.name}" for module, path in sources.items()]


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
    if tool.patch:
        patched = patched_sources(tool, info, wrapper, env)
        patched_modules = {line.split(" =>")[0] for line in patched}
        replaces = [r for r in replaces if r.split("=>")[0].split()[0] not in patched_modules] + patched
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


@dataclass(frozen=True)
class PythonVenv:
    name: str
    minimum_python: str
    packages: tuple[str, ...]
    lock: Path  # every package of the venv at its version (pip freeze), used as constraints
    entrypoint: str  # a file inside the venv that must exist afterwards

    def recipe(self, python_version: str) -> str:
        """What the manifest records: a change of packages, lock or interpreter means a new venv."""
        return (f"python {python_version}; {' '.join(self.packages)}; "
                f"lock sha256 {hashlib.sha256(self.lock.read_bytes()).hexdigest()[:16]}")


def python_version(python: Path) -> tuple[int, int, int] | None:
    try:
        out = subprocess.run([str(python), "-c", "import sys, ssl, sqlite3, venv; print(*sys.version_info[:3])"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return tuple(int(x) for x in out.stdout.split())  # type: ignore[return-value]


def python_candidates() -> list[Path]:
    """Interpreters already on the machine, newest names first, then the one make tools built."""
    found = []
    for name in ("python3.14", "python3.13", "python3.12", "python3"):
        exe = shutil.which(name)
        if exe:
            found.append(Path(exe))
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        found += sorted(pyenv.glob("3.*/bin/python3"), reverse=True)
    found.append(built_python_dir(tools_root()) / "bin" / "python3")
    return found


def built_python_dir(tools: Path) -> Path:
    return tools / "python"


def find_python(minimum: str, pins: dict, tools: Path, manifest: Manifest) -> tuple[Path, str]:
    """An interpreter of at least `minimum` (with ssl, sqlite3 and venv): one on the machine, else
    CPython built from Debian's source package into the tools dir."""
    need = tuple(int(x) for x in minimum.split("."))
    best = None
    forced = os.environ.get("BAOZI_BUILD_PYTHON") == "1"  # build even when the machine has one (to test that path)
    for candidate in ([] if forced else python_candidates()):
        version = python_version(candidate)
        if version and version[:len(need)] >= need and (best is None or version > best[1]):
            best = (candidate, version)
    built = built_python_dir(tools) / "bin" / "python3"
    if best is None and forced and python_version(built):
        best = (built, python_version(built))
    if best is None:
        build_cpython(pins["python"]["build"], tools, manifest, minimum)
        version = python_version(built)
        if version is None or version[:len(need)] < need:
            raise StepFailed(f"finding Python {minimum}+: the CPython built into {built} does not run or is too old")
        best = (built, version)
    return best[0], ".".join(str(x) for x in best[1])


def apt_private(build: dict) -> list[str]:
    """apt options for a private apt state (sources, lists and cache under the Baozi cache): the
    system's apt configuration and package lists stay as they are."""
    base = cache_root() / "apt-private"
    for d in ("lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/preferences.d"):
        (base / d).mkdir(parents=True, exist_ok=True)
    keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    lines = [f"deb-src [signed-by={keyring}] {build['mirror']} {build['suite']} main",
             f"deb-src [signed-by={keyring}] {build['mirror']} {build['suite']}-updates main",
             f"deb-src [signed-by={keyring}] {build['security_mirror']} {build['suite']}-security main"]
    (base / "etc" / "sources.list").write_text("\n".join(lines) + "\n")
    return ["-o", f"Dir::Etc::SourceList={base / 'etc' / 'sources.list'}",
            "-o", f"Dir::Etc::SourceParts={base / 'etc' / 'sources.list.d'}",
            "-o", f"Dir::Etc::Preferences={base / 'etc' / 'preferences'}",
            "-o", f"Dir::Etc::PreferencesParts={base / 'etc' / 'preferences.d'}",
            "-o", f"Dir::State::Lists={base / 'lists'}",
            "-o", f"Dir::Cache={base / 'cache'}"]


def build_cpython(build: dict, tools: Path, manifest: Manifest, minimum: str) -> None:
    """CPython from Debian's source package of another suite (trixie's python3.13): the pristine
    upstream tarball plus Debian's security patches (CVE-*.patch; the rest of Debian's patch set
    disables ensurepip, which a private prefix needs), configured into <tools>/python."""
    prefix = built_python_dir(tools)
    python = prefix / "bin" / "python3"
    recipe = f"{build['source_package']} {build['upstream']} from Debian {build['suite']}"
    if manifest.is_current("cpython", recipe, python):
        say(f"cpython: up to date ({python})")
        return
    debian_packages(build["build_depends"])
    work = cache_root() / "build" / "cpython"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    apt = apt_private(build)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    say(f"cpython: no Python {minimum}+ with ssl, sqlite3 and venv found; building {recipe} into {prefix} "
        "(about 3 minutes on 2 cores)")
    with Heartbeat("building CPython") as hb:
        run(["apt-get", *apt, "-q", "update"], what="reading Debian's source index (private apt state)", env=env)
        run(["apt-get", *apt, "source", "--download-only", build["source_package"]],
            what=f"downloading Debian's source package {build['source_package']}", cwd=work, env=env)
        orig = sorted(work.glob(f"{build['source_package']}_{build['upstream']}*.orig.tar.*"))
        debian = sorted(work.glob(f"{build['source_package']}_*.debian.tar.*"))
        if not orig or not debian:
            found = ", ".join(p.name for p in work.iterdir())
            raise StepFailed(f"building CPython: Debian's {build['suite']} no longer has {build['source_package']} "
                             f"{build['upstream']} (found: {found}); update [python.build] in versions.toml")
        src = work / "src"
        src.mkdir()
        run(["tar", "-C", str(src), "--strip-components=1", "-xf", str(orig[0])], what="unpacking CPython's source", env=env)
        run(["tar", "-C", str(work), "-xf", str(debian[0]), "debian/patches"], what="unpacking Debian's patches", env=env)
        series = (work / "debian" / "patches" / "series").read_text().split()
        cves = [p for p in series if p.startswith("CVE-")]
        for patch_name in cves:
            run(["patch", "-p1", "-s", "-i", str(work / "debian" / "patches" / patch_name)],
                what=f"applying Debian's {patch_name}", cwd=src, env=env)
        shutil.rmtree(prefix, ignore_errors=True)
        run(["nice", "-n", "19", "./configure", f"--prefix={prefix}", "--with-ensurepip=install",
             f"LDFLAGS=-Wl,-rpath,{prefix}/lib"], what="configuring CPython", cwd=src, env=env)
        run(["nice", "-n", "19", "make", f"-j{os.cpu_count() or 2}"], what="compiling CPython", cwd=src, env=env)
        run(["nice", "-n", "19", "make", "install"], what="installing CPython", cwd=src, env=env)
    if python_version(python) is None:
        raise StepFailed(f"building CPython: {python} does not start, or lacks ssl, sqlite3 or venv")
    digest = manifest.record("cpython", recipe, python)
    say(f"cpython: built in {hb.elapsed()} with {len(cves)} Debian security patches, sha256 {digest[:16]}…")
    shutil.rmtree(work, ignore_errors=True)


def install_venv(venv: PythonVenv, pins: dict, tools: Path, manifest: Manifest) -> None:
    python, version = find_python(venv.minimum_python, pins, tools, manifest)
    target = tools / "venvs" / venv.name
    freeze_file = target / "baozi-freeze.txt"
    name = f"venv-{venv.name}"
    recipe = venv.recipe(version)
    if manifest.is_current(name, recipe, freeze_file) and (target / venv.entrypoint).exists():
        say(f"{venv.name}: up to date ({target}, Python {version})")
        return
    shutil.rmtree(target, ignore_errors=True)
    say(f"{venv.name}: creating a virtualenv with {python} (Python {version}) and installing "
        f"{' '.join(venv.packages)}")
    env = dict(os.environ, PIP_CACHE_DIR=str(cache_root() / "pip"), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PYTHONDONTWRITEBYTECODE="1")
    with Heartbeat(f"installing {venv.name}") as hb:
        run([str(python), "-m", "venv", str(target)], what=f"creating the {venv.name} virtualenv", env=env)
        pip = str(target / "bin" / "pip")
        run([pip, "install", "--no-input", "--constraint", str(venv.lock), *venv.packages],
            what=f"installing {' '.join(venv.packages)} into {target}", env=env)
        frozen = run([pip, "freeze", "--all", "--exclude", "pip", "--exclude", "setuptools", "--exclude", "wheel"],
                     what=f"listing what {target} holds", env=env, capture=True)
    wanted = sorted(l.strip().lower() for l in venv.lock.read_text().splitlines() if l.strip() and not l.startswith("#"))
    have = sorted(l.strip().lower() for l in frozen.splitlines() if l.strip())
    if have != wanted:
        extra = sorted(set(have) - set(wanted))
        missing = sorted(set(wanted) - set(have))
        raise StepFailed(f"installing {venv.name}: {target} does not hold exactly {venv.lock} "
                         f"(not in the lock: {', '.join(extra) or 'none'}; missing: {', '.join(missing) or 'none'}); "
                         "update the lock file if a pin changed")
    freeze_file.write_text(frozen)
    if not (target / venv.entrypoint).exists():
        raise StepFailed(f"installing {venv.name}: {target / venv.entrypoint} is missing")
    digest = manifest.record(name, recipe, freeze_file)
    say(f"{venv.name}: installed in {hb.elapsed()}, {len(have)} packages, freeze sha256 {digest[:16]}…")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[],
                        help="run only these steps (go, tofu, bao, providers, cli-config, debian, npm, python)")
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
    wanted = set(args.only) or {"go", "tofu", "bao", "providers", "cli-config", "debian", "npm", "python"}

    go_tools = [GoTool(name, t["release"], t["module"], t["module_version"], t["package"],
                       tools / t["binary"], t.get("ldflags", "")) for name, t in pins["tools"].items()]
    provider_tools = [GoTool(f"provider-{name}", p["release"], p["module"], p["module_version"],
                             p["package"], provider_binary(tools, p["address"], p["release"]),
                             p.get("ldflags", ""), p.get("patch", ""))
                      for name, p in pins["providers"].items()]
    npm_packages = [NpmPackage(name, p["version"], p["artifact"]) for name, p in pins["npm"].items()]
    venvs = [PythonVenv(name, v["minimum_python"], tuple(v["packages"]), HERE / v["lock"], v["entrypoint"])
             for name, v in pins["python"]["venvs"].items()]

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
    if "python" in wanted:
        for venv in venvs:
            steps.append((f"python {venv.name}", lambda v=venv: install_venv(v, pins, tools, manifest)))

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
