"""Every write about staff identity, one module per job:

passwords  the policy (length, the common-password list) and hashing
users      accounts: create, change, reset (one-time password), the own password, tokens revoked
login      who is who: authentication with the per-account lockout, browser sessions, API tokens

Each write runs in one transaction with its audit row (who, when, before → after).
"""

from qms.auth.operations.login import authenticate, issue_token, record_login
from qms.auth.operations.passwords import generate_password, hash_token
from qms.auth.operations.users import create_user, set_password

__all__ = [
    "authenticate",
    "create_user",
    "generate_password",
    "hash_token",
    "issue_token",
    "record_login",
    "set_password",
]
