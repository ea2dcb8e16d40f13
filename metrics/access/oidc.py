"""Sign-in through the organisation's identity provider: roles from e-mails, groups and domains (roles.toml)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from metrics.access.auth import ROLES, AccountError, User
from metrics.settings import CONFIG_DIR

ROLES_PATH = CONFIG_DIR / "roles.toml"


@dataclass(frozen=True)
class RoleMap:
    """roles.toml: roles by e-mail address, by group claim and by e-mail domain."""

    emails: dict[str, frozenset[str]]
    groups: dict[str, frozenset[str]]
    domains: dict[str, frozenset[str]]
    groups_claim: str = "groups"


def load_role_map(path: Path | None = None) -> RoleMap:
    """roles.toml read and checked (ROLES_FILE, else metrics/config/roles.toml); AccountError lists problems."""
    path = path or Path(os.environ.get("ROLES_FILE") or ROLES_PATH)
    with open(path, "rb") as fh:
        return role_map_from_dict(tomllib.load(fh))


def role_map_from_dict(data: Mapping[str, Any]) -> RoleMap:
    """A RoleMap from parsed TOML; every entry must name known roles."""
    problems: list[str] = []

    def table(section: str) -> dict[str, frozenset[str]]:
        out: dict[str, frozenset[str]] = {}
        for key, roles in (data.get(section) or {}).items():
            roles = [roles] if isinstance(roles, str) else roles
            unknown = [r for r in roles if r not in ROLES]
            if unknown:
                problems.append(f"[{section}] \"{key}\": unknown role {unknown}; use {', '.join(ROLES)}")
            out[key.strip().lower() if section != "groups" else key] = frozenset(r for r in roles if r in ROLES)
        return out

    role_map = RoleMap(table("emails"), table("groups"), table("domains"), str(data.get("groups_claim", "groups")))
    if problems:
        listed = "\n- " + "\n- ".join(problems)
        raise AccountError("roles.toml 오류:" + listed, "roles.toml problems:" + listed)
    return role_map


def roles_for_claims(claims: Mapping[str, Any], role_map: RoleMap) -> frozenset[str]:
    """The roles an identity-provider user gets from their e-mail, its domain and their groups."""
    roles: set[str] = set()
    email = str(claims.get("email") or "").strip().lower()
    # An address the provider has not verified could be anyone's: it grants nothing.
    if email and claims.get("email_verified", True) is not False:
        roles |= role_map.emails.get(email, frozenset())
        roles |= role_map.domains.get(email.rpartition("@")[2], frozenset())
    groups = claims.get(role_map.groups_claim) or []
    for group in [groups] if isinstance(groups, str) else groups:
        roles |= role_map.groups.get(str(group), frozenset())
    return frozenset(roles)


def oidc_user(claims: Mapping[str, Any], role_map: RoleMap) -> User:
    """The User for an identity-provider login (roles may be empty: signed in but allowed nothing)."""
    name = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub") or "?").lower()
    return User(name, roles_for_claims(claims, role_map), "oidc")


def oidc_started_at(claims: Mapping[str, Any]) -> datetime | None:
    """When the provider issued the identity token (`iat`), so a 30-day cookie cannot outlive a session."""
    # Not auth_time: with single sign-on that can be days old, and every new login would expire at once.
    issued = claims.get("iat")
    return datetime.fromtimestamp(issued, UTC).replace(tzinfo=None) if isinstance(issued, int | float) and not isinstance(issued, bool) else None
