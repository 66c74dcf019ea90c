"""Check kinds: how a stored service (kind + JSON parameters) becomes a probe.

A service stores its probe's kind and the probe's own fields (thresholds, ports, URLs)
as JSON; the host and the credentials come from the server, decrypted only when the
probe is built. `validate_params` refuses unknown fields and values the probe would
refuse, so a bad parameter is a 422 when saved, never an exception in the monitor.

The LAMP template of art. 3.2 is `LAMP_TEMPLATE`: what every new server gets.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from clausier.probes import http as _http  # noqa: F401 - registers the probe kinds
from clausier.probes import mysql as _mysql  # noqa: F401
from clausier.probes import ping as _ping  # noqa: F401
from clausier.probes import snmp_checks as _snmp_checks  # noqa: F401
from clausier.probes import ssh as _ssh  # noqa: F401
from clausier.probes import tcp as _tcp  # noqa: F401
from clausier.probes.base import PROBE_KINDS, Probe
from clausier.probes.snmp import SnmpAuth, SnmpProbe

CHECK_KINDS = [
    ("ping", _("Ping")),
    ("http", _("HTTP")),
    ("smtp", _("SMTP")),
    ("ftp", _("FTP")),
    ("pop3", _("POP3")),
    ("imap", _("IMAP")),
    ("tcp", _("Port TCP")),
    ("mysql", _("MySQL")),
    ("snmp_load", _("Charge (SNMP)")),
    ("snmp_cpu", _("Processeur (SNMP)")),
    ("snmp_storage", _("Espace disque, swap ou mémoire (SNMP)")),
    ("snmp_traffic", _("Trafic réseau (SNMP)")),
    ("snmp_web_connections", _("Connexions web (SNMP)")),
    ("snmp_mailq", _("File d'attente mail (SNMP)")),
    ("snmp_get", _("Valeur SNMP")),
    ("ssh_command", _("Script spécifique (SSH)")),
]
_KNOWN = {kind for kind, _label in CHECK_KINDS}
# Fields that come from the server, never from a service's parameters.
_FROM_SERVER = {"host", "auth", "password", "key_path", "known_hosts", "user"}
# ...except where the user is not a credential.
_USER_ALLOWED = {"mysql"}


class CheckError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def probe_class(kind: str) -> type[Probe]:
    if kind not in _KNOWN or kind not in PROBE_KINDS:
        raise CheckError(f"unknown check kind {kind!r}")
    return PROBE_KINDS[kind]


def _allowed_fields(kind: str) -> dict[str, dataclasses.Field[Any]]:
    fields = {f.name: f for f in dataclasses.fields(probe_class(kind)) if f.init}
    hidden = _FROM_SERVER - ({"user"} if kind in _USER_ALLOWED else set())
    return {name: f for name, f in fields.items() if name not in hidden}


def _coerce(value: Any) -> Any:
    # JSON has no tuples: the probes' tuple fields (expect, ports, cert_days) come as lists.
    return tuple(value) if isinstance(value, list) else value


def validate_params(kind: str, params: Any) -> dict[str, Any]:
    """The parameters, checked by building the probe once; raises CheckError."""
    if not isinstance(params, Mapping):
        raise CheckError("parameters must be a JSON object")
    allowed = _allowed_fields(kind)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise CheckError(f"unknown parameter(s) for {kind}: {', '.join(unknown)}")
    for name, value in params.items():
        if isinstance(value, dict) or (
            isinstance(allowed[name].default, enum.Enum) and not isinstance(value, int)
        ):
            raise CheckError(f"parameter {name!r} has an invalid value")
    try:
        build_probe(kind, dict(params), Credentials(host="127.0.0.1", ssh_key_path="/dev/null"))
    except (TypeError, ValueError) as exc:
        raise CheckError(f"invalid parameters for {kind}: {exc}") from exc
    return dict(params)


@dataclass(frozen=True)
class Credentials:
    """What a probe needs from its server, decrypted (never stored in a service)."""

    host: str
    snmp_port: int = 161
    snmp_version: str = "2c"
    snmp_community: str = ""
    snmp_user: str = ""
    snmp_auth_key: str = ""
    snmp_priv_key: str = ""
    ssh_port: int = 22
    ssh_user: str = "root"
    ssh_key_path: str = ""
    mysql_password: str = ""


def _snmp_auth(creds: Credentials) -> SnmpAuth:
    if creds.snmp_version == "3":
        return SnmpAuth(
            version="3",
            user=creds.snmp_user,
            auth_key=creds.snmp_auth_key or None,
            priv_key=creds.snmp_priv_key or None,
        )
    return SnmpAuth(community=creds.snmp_community or "public")


def build_probe(kind: str, params: dict[str, Any], creds: Credentials) -> Probe:
    cls = probe_class(kind)
    fields: dict[str, Any] = {name: _coerce(value) for name, value in params.items()}
    if issubclass(cls, SnmpProbe):
        fields.setdefault("port", creds.snmp_port)
        fields["auth"] = _snmp_auth(creds)
    if kind == "ssh_command":
        fields.setdefault("port", creds.ssh_port)
        fields["user"] = creds.ssh_user or "root"
        fields["key_path"] = creds.ssh_key_path
    if kind == "mysql":
        fields["password"] = creds.mysql_password
    for name, field in _allowed_fields(kind).items():
        if name in fields and isinstance(field.default, enum.Enum):
            fields[name] = type(field.default)(fields[name])
    return cls(host=creds.host, **fields)


@dataclass(frozen=True)
class TemplateService:
    name: str
    kind: str
    params: dict[str, Any]
    is_host_check: bool = False
    escalate_in_hno: bool = False


# Art. 3.2 "Surveillance comprenant": Ping, load, traffic, HTTP, SMTP, FTP, POP3, IMAP,
# disk space, swap, MySQL, web connections, mail queue, and SNMP resources. Ping and
# HTTP are the "services critiques" escalated in HNO (pack entry escalation.hno_services).
LAMP_TEMPLATE: tuple[TemplateService, ...] = (
    TemplateService("Ping", "ping", {}, is_host_check=True, escalate_in_hno=True),
    TemplateService("HTTP", "http", {"path": "/"}, escalate_in_hno=True),
    TemplateService("SMTP", "smtp", {}),
    TemplateService("FTP", "ftp", {}),
    TemplateService("POP3", "pop3", {}),
    TemplateService("IMAP", "imap", {}),
    TemplateService("MySQL", "mysql", {}),
    TemplateService("Load", "snmp_load", {}),
    TemplateService("Network traffic", "snmp_traffic", {"interface": "eth0"}),
    TemplateService("Disk /", "snmp_storage", {"storage": "/"}),
    TemplateService(
        "Swap", "snmp_storage", {"storage": "Swap space", "warn_free": "50%", "crit_free": "20%"}
    ),
    TemplateService(
        "Memory",
        "snmp_storage",
        {"storage": "Physical memory", "warn_free": "10%", "crit_free": "5%"},
    ),
    TemplateService("CPU", "snmp_cpu", {}),
    TemplateService("Web connections", "snmp_web_connections", {"warn": "500", "crit": "1000"}),
    TemplateService("Mail queue", "snmp_mailq", {}),
)
