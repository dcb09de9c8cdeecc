"""Auth routes: register, login, refresh (rotation), logout, password reset, profile."""

from gateway.api import api
from gateway.idempotency import OFF
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

TAGS = ("auth",)
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
