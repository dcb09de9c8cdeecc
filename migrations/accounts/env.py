from migrations.runner import run
from services.accounts.models import Base

run(Base.metadata)
