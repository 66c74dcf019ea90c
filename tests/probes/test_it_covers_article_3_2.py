"""Every check that art. 3.2 of the managed-hosting contract names has a probe."""

from __future__ import annotations

import importlib

from clausier.probes import PROBE_KINDS

ARTICLE_3_2 = {
    "Ping": "ping",
    "Charge": "snmp_load",
    "Trafic réseau": "snmp_traffic",
    "HTTP": "http",
    "SMTP": "smtp",
    "FTP": "ftp",
    "POP3": "pop3",
    "IMAP": "imap",
    "Espace disque": "snmp_storage",
    "Swap": "snmp_storage",
    "Mysql": "mysql",
    "Nb Connexion Web": "snmp_web_connections",
    "Queue de mail": "snmp_mailq",
    "CPU": "snmp_cpu",
    "Mémoire": "snmp_storage",
    "Disques": "snmp_storage",
    "Réseau": "snmp_traffic",
    "Rapport de logs, chkrootkit (SSH)": "ssh_command",
}


def test_every_check_of_article_3_2_has_a_probe() -> None:
    for module in ("http", "mysql", "ping", "snmp_checks", "ssh", "tcp"):
        importlib.import_module(f"clausier.probes.{module}")
    missing = {name: kind for name, kind in ARTICLE_3_2.items() if kind not in PROBE_KINDS}
    assert missing == {}
