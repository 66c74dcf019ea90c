"""python -m bench.tour: docs/tour.md and its screenshots, from the demo (issue 16).

A fresh database with the demo (`clausier demo`), the embedded server (`clausier run`),
and Debian's Chromium (scripts/ensure-chromium) driven by Selenium: each role logs in and
each of its main pages is captured in French at 1280 x 900, then reduced to a 256-colour
PNG (Pillow) so each image stays under 150 KB. Run it again after changing a page: the
tour stays true to the product.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from bench.portal import (
    ACCOUNTANT,
    ADMIN,
    MEMBER,
    OWNER,
    PASSWORD,
    ROOT,
    _env,
    _free_port,
    _manage,
    _wait_for,
)

OUT = ROOT / "docs" / "tour"
MAX_BYTES = 150_000
# (role heading, login, [(file, path, caption)])
TOUR = [
    (
        "Administrateur client",
        ADMIN,
        [
            (
                "admin-accueil",
                "/",
                "L'accueil : ce qui attend une action, le reste à payer, la prochaine facture, "
                "les dépenses de l'année.",
            ),
            ("admin-factures", "/factures/", "Les factures, avec leur reste dû."),
            ("admin-abonnements", "/abonnements/", "Les abonnements et leur résiliation."),
            (
                "admin-conditions",
                "/conditions/",
                "Les conditions générales publiées et leur acceptation.",
            ),
            (
                "admin-jetons",
                "/profil/jetons/",
                "Les jetons d'API personnels (affichés une seule fois).",
            ),
        ],
    ),
    (
        "Collaborateur",
        MEMBER,
        [
            (
                "collaborateur-accueil",
                "/",
                "L'accueil d'un collaborateur : ses services, et qui gère les factures.",
            ),
            (
                "collaborateur-sessions",
                "/profil/sessions/",
                "Les sessions ouvertes et « Se déconnecter partout ailleurs ».",
            ),
        ],
    ),
    (
        "Gérant du prestataire",
        OWNER,
        [
            ("gerant-accueil", "/", "Chiffre d'affaires, impayés, clients."),
            ("gerant-factures", "/factures/", "Toutes les factures du prestataire."),
        ],
    ),
    (
        "Comptable du prestataire",
        ACCOUNTANT,
        [
            (
                "comptable-accueil",
                "/",
                "Abonnements à facturer, prélèvements à rapprocher, rejets, retards.",
            ),
        ],
    ),
]


def _driver() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=fr-FR",
        "--hide-scrollbars",
    ):
        options.add_argument(flag)
    os.environ["SE_OFFLINE"] = "true"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def _shot(driver: webdriver.Chrome, path: Path) -> int:
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    for colours in (256, 128, 64):
        buffer = io.BytesIO()
        image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(
            buffer, format="PNG", optimize=True
        )
        if buffer.tell() <= MAX_BYTES:
            break
    path.write_bytes(buffer.getvalue())
    return buffer.tell()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Visite guidée",
        "",
        "Les pages principales de chaque rôle, en français, sur les données de démonstration",
        "(`clausier demo`). Générées par `python -m bench.tour` (Chromium, 1280 × 900) :",
        "relancez-le après avoir changé une page.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="clausier-tour-") as var:
        env = _env(var)
        _manage(env, "migrate", "-v0")
        _manage(env, "demo")
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 -- our own interpreter and manage.py
            [sys.executable, str(ROOT / "manage.py"), "run", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        driver = _driver()
        try:
            _wait_for(port)
            base = f"http://127.0.0.1:{port}"
            for heading, email, pages in TOUR:
                driver.delete_all_cookies()
                driver.get(base + "/connexion/")
                driver.find_element(By.ID, "id_email").send_keys(email)
                driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
                driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
                WebDriverWait(driver, 15).until(lambda d: d.current_url == base + "/")
                lines += [f"## {heading} ({email})", ""]
                for name, path, caption in pages:
                    driver.get(base + path)
                    size = _shot(driver, OUT / f"{name}.png")
                    print(f"tour: {name}.png {size // 1000} KB")
                    lines += [f"![{caption}](tour/{name}.png)", "", caption, ""]
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=30)
    (ROOT / "docs" / "tour.md").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
