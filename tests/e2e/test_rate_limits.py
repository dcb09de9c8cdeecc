"""Rate limits on the whole stack: sign-ins limited per account through the real accounts service
(its InvalidCredentials is what stays counted, a sign-in is taken back), from many client
addresses: the gateway trusts only the socket's, so each request binds its own loopback address."""

from requests.adapters import HTTPAdapter

from tests.stack import Api

LOGIN_ACCOUNT_LIMIT, LOGIN_ACCOUNT_WINDOW = 10, 900  # config/bazaar.yaml's defaults


class SourceAddress(HTTPAdapter):
    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def login_from(stack: str, address: str, email: str, password: str):
    with Api(stack) as client:
        client.mount("http://", SourceAddress(address))
        return client.post("/api/auth/login", json={"email": email, "password": password})


def test_guessing_one_password_from_many_addresses_is_stopped_and_signing_in_is_not_counted(
    stack, new_customer
):
    customer = new_customer()
    email, password = customer["email"], customer["password"]
    signed_in = [
        login_from(stack, f"127.0.4.{n}", email, password).status_code
        for n in range(1, LOGIN_ACCOUNT_LIMIT + 3)
    ]
    assert signed_in == [200] * (LOGIN_ACCOUNT_LIMIT + 2)

    guesses = [
        login_from(stack, f"127.0.5.{n}", email.upper(), "Wrong-guess-42")
        for n in range(1, LOGIN_ACCOUNT_LIMIT + 2)
    ]
    assert [g.status_code for g in guesses] == [401] * LOGIN_ACCOUNT_LIMIT + [429]
    refused = guesses[-1].json()
    assert refused["error"] == "RATE_LIMITED" and refused["details"]["scope"] == "account"
    assert 1 <= int(guesses[-1].headers["Retry-After"]) <= LOGIN_ACCOUNT_WINDOW
    # the account stays closed for the window, to its owner too (bounded: refused attempts are
    # not counted); other accounts are not touched
    assert login_from(stack, "127.0.6.1", email, password).status_code == 429
    other = new_customer()
    assert login_from(stack, "127.0.5.1", other["email"], other["password"]).status_code == 200
