"""로그인 — the only page anyone not signed in can reach."""

from ui import auth

auth.login_page()
