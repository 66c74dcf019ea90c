"""A shipped pack version never changes: clients may have accepted it (coaching art. 11).

`clausier/terms/packs/DIGESTS` records the SHA-256 of every shipped version. Changing a
recorded file fails here; the change belongs in a new version. A new version is added to
the list with `python -m clausier.terms.digests --record`.
"""

from __future__ import annotations

from clausier.terms.digests import recorded_digests, shipped_digests


def test_every_shipped_pack_version_is_recorded_and_unchanged():
    recorded = recorded_digests()
    shipped = shipped_digests()
    changed = {key for key in recorded if key in shipped and recorded[key] != shipped[key]}
    assert not changed, (
        f"shipped pack versions changed (publish a new version instead): {sorted(changed)}"
    )
    assert set(shipped) == set(recorded), (
        "record new pack versions: python -m clausier.terms.digests --record"
    )
