"""Auth routes: register, login, refresh (rotation), logout, password reset, profile.

Every auth route is held to the strict "auth" limit per client address. Two are also limited per
account, whatever the address, so a botnet rotating addresses gains nothing on one account:
- login counts only failed attempts (wrong email or password) against "login_account": a user who
  signs in is never locked out by their own successes, and an attacker gets at most its limit of
  guesses per window. Refused attempts are not counted, so once the failures stop the account is
  open again within one window (`Retry-After` says when): a lock-out lasts only while someone keeps
  failing on the account at the limit's rate, visible as bazaar_rate_limited_total{route_class=
  "login_account"};
- forgot-password counts every request against "reset_account", which bounds the reset emails one
  address can be sent (email bombing); the answer stays 202-or-429 whether or not it has an account.
"""

from gateway.api import api
from gateway.idempotency import OFF
from gateway.ratelimit import AccountLimit
from gateway.schemas.accounts import (
    AuthResultSchema,
    ForgotPasswordBody,
    LoginBody,
    PasswordPolicySchema,
    RefreshBody,
    RegisterBody,
    ResetPasswordBody,
    UserSchema,
)
from services.accounts.exceptions import InvalidCredentials

TAGS = ("auth",)
# a disabled account answers only after its password matched: no guess to count
FAILED_LOGINS = AccountLimit("login_account", counts=(InvalidCredentials,))
RESET_REQUESTS = AccountLimit("reset_account")
# The anonymous routes are not keyed (idempotency=OFF): their answers are credentials, which the
# Idempotency-Key store must not copy into Redis, and an anonymous key has no principal to scope by.


class AuthRoutes:
    @api(
        "GET",
        "/api/auth/password-policy",
        response=PasswordPolicySchema,
        # fixed until the accounts service is redeployed: the cache TTL bounds an old answer
        cache="config",
        tags=TAGS,
        summary="The password rules a registration or reset form shows before it submits",
    )
    def get_password_policy(self, request):
        return self.accounts_rpc.password_policy()

    @api(
        "POST",
        "/api/auth/register",
        idempotency=OFF,
        body=RegisterBody,
        response=AuthResultSchema,
        status=201,
        rate="auth",
        tags=TAGS,
        summary="Create a customer account and sign in",
    )
    def register(self, request, body):
        return self.accounts_rpc.register(**body)

    @api(
        "POST",
        "/api/auth/login",
        idempotency=OFF,
        body=LoginBody,
        response=AuthResultSchema,
        rate="auth",
        account_rate=FAILED_LOGINS,
        tags=TAGS,
        summary="Sign in with email and password",
    )
    def login(self, request, body):
        return self.accounts_rpc.authenticate(body["email"], body["password"])

    @api(
        "POST",
        "/api/auth/refresh",
        idempotency=OFF,
        body=RefreshBody,
        response=AuthResultSchema,
        rate="auth",
        tags=TAGS,
        summary="Exchange a refresh token for a new pair (the old one is spent)",
    )
    def refresh(self, request, body):
        return self.accounts_rpc.refresh(body["refresh_token"])

    @api(
        "POST",
        "/api/auth/logout",
        idempotency=OFF,
        body=RefreshBody,
        status=204,
        rate="auth",
        tags=TAGS,
        summary="Revoke this login (the refresh token's family)",
    )
    def logout(self, request, body):
        self.accounts_rpc.revoke(body["refresh_token"])

    @api(
        "POST",
        "/api/auth/logout-all",
        auth=True,
        rate="auth",
        tags=TAGS,
        summary="Revoke every login of the signed-in user",
    )
    def logout_all(self, request, user):
        return self.accounts_rpc.revoke_all(user.user_id)

    @api(
        "POST",
        "/api/auth/forgot-password",
        idempotency=OFF,
        body=ForgotPasswordBody,
        status=202,
        rate="auth",
        account_rate=RESET_REQUESTS,
        tags=TAGS,
        summary="Email a reset link (202 whether or not the email exists)",
    )
    def forgot_password(self, request, body):
        self.accounts_rpc.request_password_reset(body["email"])
        return {"message": "If the address has an account, a reset link is on its way."}

    @api(
        "POST",
        "/api/auth/reset-password",
        idempotency=OFF,
        body=ResetPasswordBody,
        status=204,
        rate="auth",
        tags=TAGS,
        summary="Set a new password with a reset token; signs out everywhere",
    )
    def reset_password(self, request, body):
        self.accounts_rpc.reset_password(body["token"], body["password"])

    @api(
        "GET",
        "/api/auth/profile",
        auth=True,
        response=UserSchema,
        tags=TAGS,
        summary="The signed-in user",
    )
    def auth_profile(self, request, user):
        return self.accounts_rpc.get_user(user.user_id)
