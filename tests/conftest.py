from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.cache import cache
from django.utils import translation


class RecordingHandler:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on loopback (aiosmtpd); can be stopped and started again."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request through the test client activates its reader's language in this thread
    # (LocaleMiddleware, PersonLanguageMiddleware); the next test starts in French again.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is the product's hasher (test_it_hashes_passwords_with_argon2 checks it);
    # elsewhere a cheap hasher keeps hundreds of test logins fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_var_dir(settings: Any, tmp_path: Any) -> None:
    # Stored documents (invoices) go to a folder of the test's own.
    settings.VAR_DIR = tmp_path / "var"


# What gives a test the database, directly or through its fixtures (`fixturenames` is the
# closure of every fixture the test pulls in; not `django_db_blocker`, which pytest-django's
# autouse fixtures pull into every test).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
    }
)


def uses_the_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") or item.get_closest_marker("postgres"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (`make test-postgres`, the second pass of CI) only the tests that reach
    the database run: the others (contract rules, parsers, the simulator's loader, the
    layering checks...) gave their answer in the SQLite pass and would give it again.
    Tests that spawn processes on a database of their own name it themselves."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept, deselected = [], []
    for item in items:
        (kept if uses_the_database(item) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`make test` runs the suite on SQLite, `make test-postgres` again on PostgreSQL: a
    test that needs PostgreSQL (`postgres`) runs in the second only; a test of the real
    brokers (`broker`), whose outcome does not depend on the suite's database, in the
    first only (once, not twice)."""
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if item.get_closest_marker("postgres") and not on_postgres:
        pytest.skip("needs PostgreSQL: runs in `make test-postgres`")
    if item.get_closest_marker("broker") and on_postgres:
        pytest.skip("broker test: ran once in `make test` (SQLite)")
