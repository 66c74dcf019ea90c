import pytest
from django.conf import settings as django_settings

from clausier import settings as clausier_settings
from tests.helpers import make_person

pytestmark = pytest.mark.django_db


def test_it_hashes_passwords_with_argon2(settings):
    settings.PASSWORD_HASHERS = clausier_settings.PASSWORD_HASHERS
    person = make_person("argon@client.example")
    assert person.password.startswith("argon2$")
    assert person.check_password("Correct-horse-42")
    assert django_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
