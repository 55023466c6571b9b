"""Demo data for `flask demo seed` (filled in below)."""


def seed(session) -> bool:
    return False
