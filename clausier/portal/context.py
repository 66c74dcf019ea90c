"""Template context shared by every portal page."""

from django.http import HttpRequest

from clausier.core.navigation import NavLink, links_for


def navigation(request: HttpRequest) -> dict[str, list[NavLink]]:
    """`app_nav`: the entries the apps registered (core.navigation) this person may see."""
    return {"app_nav": links_for(request)}
