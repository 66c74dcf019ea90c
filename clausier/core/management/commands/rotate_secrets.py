"""`clausier rotate_secrets`: re-encrypt every stored secret under the first key of
CLAUSIER_SECRET_KEYS, so that older keys can then be removed (docs/configuration.md)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from clausier.core import crypto
from clausier.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypts every encrypted column under the newest key of CLAUSIER_SECRET_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = unreadable = 0
        quote = connection.ops.quote_name
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, EncryptedTextField):
                    continue
                table, column = quote(model._meta.db_table), quote(str(field.column))
                pk = quote(str(model._meta.pk.column))
                # Raw SQL: the ciphertext goes from one key to the other, never through
                # the model, and one unreadable row does not stop the others.
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
                    for row_id, sealed in cursor.fetchall():
                        try:
                            fresh = crypto.reseal(sealed)
                        except crypto.UnreadableSecret:
                            unreadable += 1
                            self.stderr.write(f"{model._meta.label} {row_id}: unreadable")
                            continue
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                            [fresh, row_id],
                        )
                        rotated += 1
        self.stdout.write(f"{rotated} secret(s) re-encrypted under the current key.")
        if unreadable:
            raise CommandError(f"{unreadable} secret(s) cannot be read with CLAUSIER_SECRET_KEYS")
