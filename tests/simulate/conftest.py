import pytest


@pytest.fixture(autouse=True)
def _database(db: None) -> None:
    """Subscription events run through the billing services, on the test database."""
