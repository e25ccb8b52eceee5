#!/usr/bin/env python3
"""Release metadata: the version, the manual page and the citation file.

- `microcircuit --version`, `bench` JSON and run folders' sim_dict.json report
  the version set by project(VERSION) in CMakeLists.txt (and the checkout's
  commit); a run folder with that key still reads back as a configuration.
- The manual page documents exactly the flags of `--help` of the program and
  of every subcommand: a flag added to the program but not to the page (or
  left in the page after it was removed) fails here. Subcommands and flags
  are discovered from --help, so new ones need no change to this test.
- CHANGELOG.md, CITATION.cff and the AppStream metadata name the same version
  and date; CITATION.cff follows the rules of the CFF 1.2.0 schema.

Run by CTest with the environment MC_BINARY, MC_VERSION (CMake's
PROJECT_VERSION), MC_SOURCE_DIR, MC_MANPAGE (the configured page) and MC_CMAKE.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

BINARY = os.environ["MC_BINARY"]
VERSION = os.environ["MC_VERSION"]
SOURCE = os.environ["MC_SOURCE_DIR"]
MANPAGE = os.environ["MC_MANPAGE"]


def run(*args, check=True):
    r = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"microcircuit {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r


def version_string():
    """What --version reports after "microcircuit "."""
    return run("--version").stdout.strip().removeprefix("microcircuit ")


# --- --help and the manual page ------------------------------------------

def help_sections(text):
    """{"Options": [lines], "Subcommands": [...], "Positionals": [...]} of CLI11's help."""
    sections, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^([A-Z][A-Za-z ]*):$", line)
        if m:
            current = sections.setdefault(m.group(1), [])
        elif current is not None and line.strip():
            current.append(line)
    return sections


def help_items(text):
    """(flags, positionals, subcommands) named by one --help text."""
    sec = help_sections(text)
    flags, positionals, subcommands = set(), set(), []
    for line in sec.get("Options", []):
        m = re.match(r"^  (-\S+)", line)  # "  -q,--quiet ..."; wrapped descriptions are indented further
        if m:
            flags.update(m.group(1).split(","))
    for line in sec.get("Positionals", []):
        m = re.match(r"^  (\S+)", line)
        if m:
            positionals.add(m.group(1))
    for line in sec.get("Subcommands", []):
        m = re.match(r"^  (\S+)", line)
        if m:
            subcommands.append(m.group(1))
    return flags, positionals, subcommands


def roff_text(line):
    """A roff line as the reader sees its words: no macros, escapes or quotes."""
    line = re.sub(r"^\.[A-Z]{1,2}\s*", "", line)
    line = line.replace("\\-", "-")
    line = re.sub(r"\\f[BIRP]", "", line)
    line = re.sub(r"\\\(..", " ", line)
    return line.replace('"', " ")


def manpage_items(page):
    """{section: (flags, first words of the items)} of the page's .TP items.

    Sections are "" for .SH OPTIONS (the program's own flags) and the
    command for each .SS "microcircuit COMMAND"."""
    items, current, take = {}, None, False
    for line in page.splitlines():
        if line.startswith(".SH"):
            current = "" if line.strip() == ".SH OPTIONS" else None
        elif line.startswith(".SS"):
            m = re.match(r'^\.SS\s+"?microcircuit (\S+?)"?\s*$', line)
            current = m.group(1) if m else None
        elif current is not None and line.startswith(".TP"):
            take = True
            continue
        elif take and current is not None:
            text = roff_text(line)
            flags, words = items.setdefault(current, (set(), set()))
            flags.update(re.findall(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)", text))
            if text.split():
                words.add(text.split()[0])
        take = False
    return items


def manpage_problems(page, helps):
    """Differences between the page and the --help texts {section: text}."""
    documented = manpage_items(page)
    problems = []
    for section, text in helps.items():
        name = f"microcircuit {section}".strip()
        flags, positionals, _ = help_items(text)
        if section not in documented:
            problems.append(f'{name}: no section (.SH OPTIONS or .SS "{name}") in the manual page')
            continue
        page_flags, page_words = documented[section]
        for f in sorted(flags - page_flags):
            problems.append(f"{name}: {f} is in --help but not in the manual page")
        for f in sorted(page_flags - flags):
            problems.append(f"{name}: {f} is in the manual page but not in --help")
        for p in sorted(positionals - page_words):
            problems.append(f"{name}: argument {p} is in --help but not in the manual page")
    for section in documented:
        if section not in helps:
            problems.append(f"microcircuit {section}: in the manual page but not a command of --help")
    return problems


def all_helps():
    top = run("--help").stdout
    helps = {"": top}
    for sub in help_items(top)[2]:
        helps[sub] = run(sub, "--help").stdout
    return helps


class ManualPage(unittest.TestCase):
    def setUp(self):
        with open(MANPAGE, encoding="utf-8") as f:
            self.page = f.read()
        self.helps = all_helps()

    def test_every_command_and_flag_of_help_is_in_the_page_and_back(self):
        self.assertEqual(sorted(self.helps), ["", "analyze", "bench", "config", "export-nest", "gui", "render", "run", "sweep", "view"])
        flags, _, _ = help_items(self.helps["run"])
        self.assertIn("--scale", flags)  # the parser sees the flags at all
        self.assertIn("-q", flags)
        self.assertEqual(manpage_problems(self.page, self.helps), [])

    def test_the_check_fails_when_a_flag_is_missing_or_stale(self):
        # The same page with the --dt item of `run` removed, and a flag that
        # does not exist added to `bench`.
        lines = self.page.splitlines()
        i = lines.index(".BI \\-\\-dt \" MS\"")
        broken = lines[: i - 1] + lines[i + 2:]
        j = broken.index('.SS "microcircuit bench"')
        broken[j + 1: j + 1] = [".TP", ".B \\-\\-no\\-such\\-flag", "Text."]
        problems = manpage_problems("\n".join(broken), self.helps)
        self.assertIn("microcircuit run: --dt is in --help but not in the manual page", problems)
        self.assertIn("microcircuit bench: --no-such-flag is in the manual page but not in --help", problems)
        self.assertEqual(len(problems), 2, problems)

    def test_page_names_the_cmake_version(self):
        self.assertRegex(self.page, r'(?m)^\.TH MICROCIRCUIT 1 "[0-9-]+" "microcircuit ' + re.escape(VERSION) + '"')


# --- the version everywhere ------------------------------------------------

class Version(unittest.TestCase):
    def test_version_flag_prints_the_cmake_version(self):
        r = run("--version")
        m = re.fullmatch(r"microcircuit (\S+)( \(git ([0-9a-f]{12})(-modified)?\))?\n", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertEqual(m.group(1), VERSION)
        head = subprocess.run(["git", "-C", SOURCE, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                              text=True) if os.path.exists(os.path.join(SOURCE, ".git")) else None
        if head is not None and head.returncode == 0:
            self.assertEqual(m.group(3), head.stdout.strip(),
                             "a build from a checkout names its commit (or the binary predates the last commit: "
                             "rebuild before testing)")

    def test_bench_json_names_the_version(self):
        out = json.loads(run("bench", "--scale", "0.02", "--t-sim", "20", "--warmup", "0", "--threads", "1").stdout)
        self.assertEqual(out["version"], version_string())
        self.assertGreater(out["neurons"], 0)

    def test_run_folder_records_the_version_and_reads_back(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = os.path.join(tmp, "run")
            run("run", "--scale", "0.02", "--t-presim", "0", "--t-sim", "20", "--seed", "3", "--no-figures", "-q",
                "--out", folder)
            with open(os.path.join(folder, "sim_dict.json"), encoding="utf-8") as f:
                sim = json.load(f)
            self.assertEqual(sim["microcircuit_version"], version_string())
            # The folder is a valid configuration again: the key is ignored on read.
            again = run("run", "--config", folder, "--no-record", "-q", "--out", os.path.join(tmp, "again"))
            self.assertIn("neurons", again.stdout)
            with open(os.path.join(tmp, "again", "sim_dict.json"), encoding="utf-8") as f:
                self.assertEqual(json.load(f)["rng_seed"], 3)


class VersionScript(unittest.TestCase):
    """engine/cmake/version_info.cmake: the commit of a checkout, none outside one."""

    def header(self, source, out):
        subprocess.run([os.environ["MC_CMAKE"], "-DVERSION=9.8.7", f"-DSOURCE_DIR={source}", f"-DOUT={out}",
                        f"-DGIT={shutil.which('git') or ''}", "-P",
                        os.path.join(SOURCE, "engine", "cmake", "version_info.cmake")], check=True)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('#define MC_VERSION_NUMBER "9.8.7"', text)
        return re.search(r'#define MC_GIT_COMMIT "([^"]*)"', text).group(1)

    def test_commit_of_a_checkout_and_none_for_a_tarball(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, out = os.path.join(tmp, "src"), os.path.join(tmp, "version_info.hpp")
            os.makedirs(os.path.join(src, "sub"))
            with open(os.path.join(src, "a.txt"), "w") as f:
                f.write("a\n")
            self.assertEqual(self.header(src, out), "")  # unpacked tarball: no .git
            if not shutil.which("git"):
                self.skipTest("no git")
            git = ["git", "-C", src, "-c", "user.name=t", "-c", "user.email=t@example.org"]
            subprocess.run(git + ["init", "-q"], check=True)
            subprocess.run(git + ["add", "a.txt"], check=True)
            subprocess.run(git + ["commit", "-q", "-m", "m"], check=True)
            head = subprocess.run(git + ["rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                                  check=True).stdout.strip()
            self.assertEqual(self.header(src, out), head)
            with open(os.path.join(src, "a.txt"), "w") as f:
                f.write("b\n")
            self.assertEqual(self.header(src, out), head + "-modified")
            # A tarball unpacked inside some other checkout reports no commit.
            self.assertEqual(self.header(os.path.join(src, "sub"), out), "")


# --- changelog, citation, AppStream ------------------------------------------

def newest_changelog_entry():
    with open(os.path.join(SOURCE, "CHANGELOG.md"), encoding="utf-8") as f:
        m = re.search(r"(?m)^## \[(\d[^\]]*)\] - (\d{4}-\d{2}-\d{2})$", f.read())
    return m.group(1), m.group(2)


# The rules of the Citation File Format 1.2.0 schema for the keys this
# project uses: the required keys, no unknown keys, the formats of dates,
# DOIs, URLs and SPDX licence ids, and the required keys of references.
_DOI = {"type": "string", "pattern": r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$"}
_URL = {"type": "string", "pattern": r"^(https|http|ftp|sftp)://.+"}
_PERSON_OR_ENTITY = {
    "oneOf": [
        {"type": "object", "additionalProperties": False, "minProperties": 1,
         "properties": {k: {"type": "string", "minLength": 1} for k in
                        ("family-names", "given-names", "name-particle", "name-suffix", "affiliation", "email",
                         "alias", "orcid", "website")}},
        {"type": "object", "additionalProperties": False, "required": ["name"],
         "properties": {k: {"type": "string", "minLength": 1} for k in
                        ("name", "address", "city", "country", "email", "website", "alias")}},
    ]
}
_AUTHORS = {"type": "array", "minItems": 1, "items": _PERSON_OR_ENTITY}
_REFERENCE = {
    "type": "object",
    "required": ["authors", "title", "type"],
    "properties": {
        "type": {"enum": ["article", "book", "software", "software-code", "conference-paper", "data", "report"]},
        "title": {"type": "string", "minLength": 1},
        "authors": _AUTHORS,
        "doi": _DOI,
        "repository-code": _URL,
        "year": {"type": ["integer", "string"]},
        "volume": {"type": ["integer", "string"]},
        "issue": {"type": ["integer", "string"]},
        "start": {"type": ["integer", "string"]},
        "end": {"type": ["integer", "string"]},
        "journal": {"type": "string", "minLength": 1},
        "notes": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}
CFF_RULES = {
    "type": "object",
    "required": ["authors", "cff-version", "message", "title"],
    "additionalProperties": False,
    "properties": {
        "cff-version": {"type": "string", "pattern": r"^1\.2\.0$"},
        "message": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "abstract": {"type": "string", "minLength": 1},
        "type": {"enum": ["software", "dataset"]},
        "authors": _AUTHORS,
        "version": {"type": ["string", "number"], "minLength": 1},
        "date-released": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "license": {"enum": ["GPL-2.0-or-later"]},
        "repository-code": _URL,
        "doi": _DOI,
        "keywords": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        "references": {"type": "array", "minItems": 1, "items": _REFERENCE},
    },
}


class Metadata(unittest.TestCase):
    def test_changelog_starts_with_the_cmake_version(self):
        self.assertEqual(newest_changelog_entry()[0], VERSION)

    def test_appstream_release_is_the_newest_changelog_entry(self):
        root = ET.parse(os.path.join(SOURCE, "packaging", "io.github.microcircuit.microcircuit.metainfo.xml")).getroot()
        release = root.find("releases/release")
        self.assertEqual((release.get("version"), release.get("date")), newest_changelog_entry())
        self.assertEqual(root.findtext("project_license"), "GPL-2.0-or-later")

    def test_citation_file_follows_the_cff_schema_and_names_the_version(self):
        import jsonschema
        import yaml

        with open(os.path.join(SOURCE, "CITATION.cff"), encoding="utf-8") as f:
            cff = yaml.safe_load(f)
        jsonschema.validate(cff, CFF_RULES)
        self.assertEqual((str(cff["version"]), cff["date-released"]), newest_changelog_entry())
        dois = [r.get("doi") for r in cff["references"]]
        self.assertIn("10.1093/cercor/bhs358", dois)  # the model's paper
        # The rules can fail: a file without title or with an unknown key does.
        for broken in ({k: v for k, v in cff.items() if k != "title"}, {**cff, "licence": "MIT"}):
            with self.assertRaises(jsonschema.ValidationError):
                jsonschema.validate(broken, CFF_RULES)

    def test_licence_file_is_the_gpl_2(self):
        with open(os.path.join(SOURCE, "LICENSE"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn("GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
