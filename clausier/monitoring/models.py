"""The monitoring app's models.

`ManagedServer` is the unit of the managed-hosting contract: monitoring watches it (art.
3.2), support counts its emergencies and advice time against it (art. 3.3, 3.4, 5), and its
share of the monthly fee caps the service credits of the month (art. 14).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ManagedServer(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.PROTECT, related_name="managed_servers"
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation", on_delete=models.PROTECT, related_name="managed_servers"
    )
    # The subscription whose monthly fee covers this server (caps its credits, art. 14).
    subscription = models.ForeignKey(
        "billing.Subscription",
        on_delete=models.PROTECT,
        related_name="managed_servers",
        null=True,
        blank=True,
    )
    name = models.CharField(_("nom"), max_length=120)
    address = models.CharField(_("adresse (nom DNS ou IP)"), max_length=255)
    monthly_fee_ht = models.DecimalField(
        _("part de la redevance mensuelle HT"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    # GTR applies only to a server whose full backup is managed by the provider (art. 5).
    full_backup = models.BooleanField(_("option sauvegarde complète"), default=False)
    # Availability credits apply only to a server under a high-availability annex (art. 14).
    high_availability = models.BooleanField(_("annexe haute disponibilité"), default=False)
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("serveur infogéré")
        verbose_name_plural = _("serveurs infogérés")
        ordering = ["client_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "name"], name="monitoring_server_name_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.address})"
