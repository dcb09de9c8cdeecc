"""Access tokens signed with the test key, as accounts would issue them."""

import time
import uuid
from pathlib import Path

import jwt


def access_token(config, user_id, role="customer", ttl=600):
    settings = config["JWT"]
    now = int(time.time())
    claims = {
        "sub": user_id,
        "role": role,
        "jti": uuid.uuid4().hex,
        "iss": settings["issuer"],
        "aud": settings["audience"],
        "iat": now,
        "exp": now + ttl,
    }
    key = Path(settings["private_key_path"]).read_text()
    return jwt.encode(claims, key, algorithm="EdDSA")
